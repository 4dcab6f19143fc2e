import { randomBytes } from 'node:crypto';
import {
  createEgress,
  type DnsLookup,
  type Egress,
  EgressError,
  type EgressRequest,
  parseAllowList,
} from '../../lib/egress';
import { type Handler, type LocalServer, startHttpServer, startHttpsServer } from './servers';

const MB = 1024 * 1024;
const LOOPBACK = ['127.0.0.0/8'];

const get = (url: string, overrides: Partial<EgressRequest> = {}): EgressRequest => ({
  url,
  method: 'GET',
  timeoutMs: 5000,
  maxResponseBytes: 6 * MB,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<EgressError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EgressError) return error;
    throw error;
  }
  throw new Error('expected an EgressError');
}

/** An injected resolver that answers from a list, one answer set per call, and records its calls. */
function scriptedLookup(...answers: readonly string[][]): DnsLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const addresses = answers[Math.min(calls.length, answers.length) - 1] ?? [];
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

const ok: Handler = (_request, response) => {
  response.end('hello');
};

const servers: LocalServer[] = [];
const egresses: Egress[] = [];

async function server(handler: Handler = ok, host?: string, port?: number): Promise<LocalServer> {
  const started = await startHttpServer(handler, host, port);
  servers.push(started);
  return started;
}

function egress(allow: readonly string[], lookup?: DnsLookup): Egress {
  const created = createEgress(
    lookup === undefined ? { allow: parseAllowList(allow) } : { allow: parseAllowList(allow), lookup },
  );
  egresses.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(egresses.splice(0).map((created) => created.close()));
  await Promise.all(servers.splice(0).map((started) => started.close()));
});

describe('egress policy against a real local server', () => {
  it('refuses loopback without an allow list, and the server sees no connection', async () => {
    // Prepare
    const local = await server();
    const client = egress([]);

    // Act
    const literal = await failure(client.send(get(`http://127.0.0.1:${local.port}/a?token=secret123`)));
    const literalHttps = await failure(client.send(get(`https://127.0.0.1:${local.port}/`)));
    const name = await failure(client.send(get(`http://localhost:${local.port}/`)));
    // System DNS: localhost resolves to loopback, which https does not lift.
    const nameHttps = await failure(client.send(get(`https://localhost:${local.port}/`)));

    // Assess
    expect([literal.kind, literalHttps.kind, name.kind, nameHttps.kind]).toEqual([
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
    expect(literal.reason).toBe('ip_literal');
    expect(name.reason).toBe('scheme');
    expect(nameHttps.reason).toBe('address');
    expect(literal.message).toContain(`http://127.0.0.1:${local.port}`);
    expect(literal.message).not.toContain('secret123');
    expect(literal.message).not.toContain('/a');
    expect(local.connections()).toBe(0);
  });

  it('reaches loopback when 127.0.0.0/8 is allowed', async () => {
    // Prepare
    const local = await server();
    const client = egress(LOOPBACK);

    // Act
    const response = await client.send(get(`http://127.0.0.1:${local.port}/hello`));

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello');
    expect(local.requests.map((request) => request.url)).toEqual(['/hello']);
  });

  it('reaches a name resolving into an allowed range over plain http', async () => {
    // Prepare
    const local = await server();
    const lookup = scriptedLookup(['127.0.0.1']);
    const client = egress(LOOPBACK, lookup);

    // Act
    const response = await client.send(get(`http://db.internal:${local.port}/`));

    // Assess
    expect(response.status).toBe(200);
    expect(lookup.calls).toEqual(['db.internal']);
    expect(local.requests[0]?.headers.host).toBe(`db.internal:${local.port}`);
  });

  it('reaches localhost:PORT when exactly that name and port are allowed (system DNS)', async () => {
    // Prepare
    const local = await server();
    const allowed = egress([`localhost:${local.port}`]);
    const otherPort = egress([`localhost:${local.port + 1}`]);

    // Act
    const response = await allowed.send(get(`http://localhost:${local.port}/`));
    const error = await failure(otherPort.send(get(`http://localhost:${local.port}/`)));

    // Assess
    expect(response.status).toBe(200);
    expect(error.kind).toBe('refused');
    expect(local.connections()).toBe(1);
  });

  it('refuses a name resolving to 127.0.0.1 even over https, before connecting', async () => {
    // Prepare
    const local = await server();
    const lookup = scriptedLookup(['127.0.0.1']);
    const client = egress([], lookup);

    // Act
    const error = await failure(client.send(get(`https://internal.example:${local.port}/`)));

    // Assess
    expect(error.kind).toBe('refused');
    expect(error.reason).toBe('address');
    expect(error.message).toContain('internal.example resolves to 127.0.0.1, a loopback address');
    expect(lookup.calls).toEqual(['internal.example']);
    expect(local.connections()).toBe(0);
  });

  it('refuses a name with one public and one private answer: every answer is checked', async () => {
    // Prepare
    const local = await server();
    const client = egress([], scriptedLookup(['93.184.215.14', '127.0.0.1']));

    // Act
    const error = await failure(client.send(get(`https://mixed.example:${local.port}/`)));

    // Assess
    expect(error.reason).toBe('address');
    expect(error.message).toContain('127.0.0.1');
    expect(local.connections()).toBe(0);
  });

  it('connects to the checked address, never to a second DNS answer (rebinding)', async () => {
    // Prepare: the same port on two loopback addresses; only 127.0.0.2 is allowed. The first
    // answer is 127.0.0.2, every later one 127.0.0.1. The name is `localhost`, so a client
    // that resolved again, through the injected lookup or the system's, would reach 127.0.0.1.
    const unchecked = await server(ok, '127.0.0.1');
    const checked = await server(
      (_request, response) => response.setHeader('connection', 'close').end('checked'),
      '127.0.0.2',
      unchecked.port,
    );
    const lookup = scriptedLookup(['127.0.0.2'], ['127.0.0.1']);
    const client = egress(['127.0.0.2/32'], lookup);

    // Act: the first response closes its connection, so the second request needs a new one.
    const first = await client.send(get(`http://localhost:${unchecked.port}/`));
    const second = await failure(client.send(get(`http://localhost:${unchecked.port}/`)));

    // Assess
    expect(first.body.toString()).toBe('checked');
    expect(checked.connections()).toBe(1);
    expect(lookup.calls).toEqual(['localhost', 'localhost']);
    expect(second.kind).toBe('refused');
    expect(second.message).toContain('127.0.0.1');
    expect(unchecked.connections()).toBe(0);
  });

  it('returns a 302 as is and does not follow it', async () => {
    // Prepare
    const local = await server((request, response) => {
      if (request.url === '/start') response.writeHead(302, { location: '/next' }).end();
      else response.end('followed');
    });
    const client = egress(LOOPBACK);

    // Act
    const response = await client.send(get(`http://127.0.0.1:${local.port}/start`));

    // Assess
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/next');
    expect(local.requests.map((request) => request.url)).toEqual(['/start']);
  });

  it('times out within about timeoutMs when the server never answers', async () => {
    // Prepare
    const local = await server(() => undefined);
    const client = egress(LOOPBACK);
    const started = Date.now();

    // Act
    const error = await failure(client.send(get(`http://127.0.0.1:${local.port}/`, { timeoutMs: 300 })));

    // Assess
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it('times out when the body stalls after the headers: the limit covers reading the body', async () => {
    // Prepare
    const local = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const client = egress(LOOPBACK);

    // Act
    const error = await failure(client.send(get(`http://127.0.0.1:${local.port}/`, { timeoutMs: 300 })));

    // Assess
    expect(error.kind).toBe('timeout');
  });

  it.each([
    ['streamed without a length', false],
    ['with a declared Content-Length', true],
  ])('refuses a 7 MB body over a 6 MB limit (%s)', async (_case, declared) => {
    // Prepare
    const body = Buffer.alloc(7 * MB, 1);
    const local = await server((_request, response) => {
      if (declared) response.setHeader('content-length', body.length);
      response.end(body);
    });
    const client = egress(LOOPBACK);

    // Act
    const error = await failure(client.send(get(`http://127.0.0.1:${local.port}/`)));

    // Assess
    expect(error.kind).toBe('response_too_large');
    expect(error.message).toContain(`${6 * MB} bytes`);
  });

  it('returns a 5 MB body intact under a 6 MB limit', async () => {
    // Prepare
    const body = randomBytes(5 * MB);
    const local = await server((_request, response) => response.end(body));
    const client = egress(LOOPBACK);

    // Act
    const response = await client.send(get(`http://127.0.0.1:${local.port}/`));

    // Assess
    expect(response.body.length).toBe(body.length);
    expect(response.body.equals(body)).toBe(true);
  });

  it('allows a body of exactly maxResponseBytes and refuses one byte more', async () => {
    // Prepare
    const local = await server((request, response) =>
      response.end(Buffer.alloc(Number(request.url?.slice(1)), 7)),
    );
    const client = egress(LOOPBACK);

    // Act
    const exact = await client.send(get(`http://127.0.0.1:${local.port}/1000`, { maxResponseBytes: 1000 }));
    const over = await failure(
      client.send(get(`http://127.0.0.1:${local.port}/1001`, { maxResponseBytes: 1000 })),
    );

    // Assess
    expect(exact.body.length).toBe(1000);
    expect(over.kind).toBe('response_too_large');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    // Prepare
    const local = await server();
    const client = egress(LOOPBACK);

    // Act
    await client.send(get(`http://127.0.0.1:${local.port}/1`));
    await client.send(get(`http://127.0.0.1:${local.port}/2`));

    // Assess
    expect(local.requests).toHaveLength(2);
    expect(local.connections()).toBe(1);
  });

  it('sends method, headers and body, and returns headers with several values', async () => {
    // Prepare
    const local = await server((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.setHeader('X-Multi', ['a', 'b']);
        response.setHeader('Set-Cookie', ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2']);
        response.setHeader('X-Echo', `${request.method} ${request.headers.authorization}`);
        response.end(Buffer.concat(chunks));
      });
    });
    const client = egress(LOOPBACK);

    // Act
    const response = await client.send({
      ...get(`http://127.0.0.1:${local.port}/`),
      method: 'POST',
      headers: { Authorization: 'Bearer t0k3n', 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });

    // Assess
    expect(response.body.toString()).toBe('{"a":1}');
    expect(response.headers['x-echo']).toBe('POST Bearer t0k3n');
    expect(response.headers['x-multi']).toBe('a, b');
    expect(response.headers['set-cookie']).toBe('a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nb=2');
  });

  it('refuses a header value with CR/LF before connecting, without repeating it', async () => {
    // Prepare
    const local = await server();
    const client = egress(LOOPBACK);

    // Act
    const error = await failure(
      client.send({
        ...get(`http://127.0.0.1:${local.port}/`),
        headers: { 'X-Key': 'secret\r\nX-Injected: 1' },
      }),
    );

    // Assess
    expect(error.kind).toBe('refused');
    expect(error.reason).toBe('header');
    expect(error.message).not.toContain('secret');
    expect(local.connections()).toBe(0);
  });

  it('reports a refused connection as a network error with its code', async () => {
    // Prepare: a port that was just free.
    const closed = await server();
    await closed.close();
    const client = egress(LOOPBACK);

    // Act
    const error = await failure(client.send(get(`http://127.0.0.1:${closed.port}/x?token=secret123`)));

    // Assess
    expect(error.kind).toBe('network');
    expect(error.reason).toBe('ECONNREFUSED');
    expect(error.message).toBe(`Egress to http://127.0.0.1:${closed.port} failed: ECONNREFUSED`);
  });

  it('reports a name that does not resolve as a network error', async () => {
    // Prepare
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    const client = egress([], async () => {
      throw notFound;
    });

    // Act
    const error = await failure(client.send(get('https://nowhere.invalid/')));

    // Assess
    expect(error.kind).toBe('network');
    expect(error.reason).toBe('ENOTFOUND');
  });

  it('sends the host name as SNI and verifies the certificate (self-signed is refused)', async () => {
    // Prepare
    const servernames: string[] = [];
    const local = await startHttpsServer(ok, servernames);
    servers.push(local);
    const client = egress(LOOPBACK, scriptedLookup(['127.0.0.1']));

    // Act
    const error = await failure(client.send(get(`https://egress.test:${local.port}/`)));

    // Assess
    expect(servernames).toEqual(['egress.test']);
    expect(error.kind).toBe('network');
    expect(error.reason).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect(local.requests).toHaveLength(0);
  });
});
