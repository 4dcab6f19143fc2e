/**
 * SSRF probes against invoke (SPEC §6): a request template whose host comes from the caller's
 * context, a REAL egress policy with an injected resolver, and local TCP listeners that count
 * every connection and byte. Every refused probe must be refused before anything is sent.
 */
import type { App } from '../../lib/app';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import { invoke } from '../../lib/invoke/invoke';
import { type CountingServer, startCountingServer, startOnSamePort } from './support/counting-server';
import { INSTALLATION, loadTempApp, MANIFEST, probeDeps, refusalOf, tableLookup } from './support/probe-deps';

const TEMPLATES = {
  probe: { schema: { method: 'GET', host: '<%= context.host %>', path: '/probe' } },
  probePlain: { schema: { method: 'GET', protocol: 'http', host: '<%= context.host %>', path: '/probe' } },
  sub: { schema: { method: 'GET', host: '<%= context.sub %>.example.com', path: '/probe' } },
  items: {
    schema: {
      method: 'GET',
      protocol: 'http',
      host: '<%= context.host %>',
      path: '/items/<%= context.id %>',
      query: { q: '<%= context.q %>', fixed: '1' },
      headers: { 'X-Trace': '<%= context.trace %>' },
    },
  },
};

const PUBLIC_IP = '93.184.215.14';

/** What the injected resolver answers; nothing here ever reaches a real DNS server. */
const DNS = {
  localhost: ['127.0.0.1', '::1'],
  'loopback.test': ['127.0.0.1'],
  'loop2.test': ['127.0.0.2'],
  'sub.localhost': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': [PUBLIC_IP, '10.0.0.1'],
  'mixed-loop.test': [PUBLIC_IP, '127.0.0.1'],
  'v6.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'nat64.test': ['64:ff9b::7f00:1'],
  'public.test': [PUBLIC_IP],
};

let app: App;
const servers: CountingServer[] = [];
const egresses: Egress[] = [];

beforeAll(() => {
  app = loadTempApp({
    'manifest.json': MANIFEST(Object.keys(TEMPLATES)),
    'config/requests.json': TEMPLATES,
    'config/iparams.json': {},
  });
});

afterEach(async () => {
  await Promise.all(egresses.splice(0).map((egress) => egress.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function listen(...started: Promise<CountingServer | CountingServer[]>[]) {
  const all = (await Promise.all(started)).flat();
  servers.push(...all);
  return all;
}

function egressWith(allow: readonly string[]) {
  const lookup = tableLookup(DNS);
  const egress = createEgress({ allow: parseAllowList(allow), lookup });
  egresses.push(egress);
  return { egress, lookup };
}

const call = (egress: Egress, template: string, context: Record<string, unknown>) =>
  invoke(probeDeps(app, egress), {
    installationId: INSTALLATION.id,
    credential: { kind: 'admin', key: 'unused' },
    input: () => ({ template, context }),
  });

const totalConnections = () => servers.reduce((sum, server) => sum + server.connections(), 0);
const totalBytes = () => servers.reduce((sum, server) => sum + server.bytes(), 0);

// ---- refused before any byte leaves ---------------------------------------------------------

type Code = 'URL_REFUSED' | 'INVALID_HOST';

interface Probe {
  readonly label: string;
  readonly template: 'probe' | 'probePlain' | 'sub';
  readonly context: Record<string, string>;
  readonly code: Code;
  /** Part of the refusal message: refused for the right reason, not by accident. */
  readonly why: RegExp;
}

const IP_LITERAL = /IP address hosts are refused unless listed/;
const NOT_A_NAME = /not a host name/;
const NUMERIC = /a numeric host form/;
const resolvesTo = (address: string, range: string) =>
  new RegExp(`resolves to ${address.replaceAll('.', '\\.')}, an? ${range}`);

/** `p`: the IPv4 listener's port; `p6`: the IPv6 listener's. Hosts carry them so a leak would land. */
function probes(p: number, p6: number): Probe[] {
  const https = (host: string, code: Code, why: RegExp, label = host): Probe => ({
    label,
    template: 'probe',
    context: { host },
    code,
    why,
  });
  return [
    https(`127.0.0.1:${p}`, 'URL_REFUSED', IP_LITERAL),
    {
      label: `http 127.0.0.1:${p}`,
      template: 'probePlain',
      context: { host: `127.0.0.1:${p}` },
      code: 'URL_REFUSED',
      why: IP_LITERAL,
    },
    https(`localhost:${p}`, 'URL_REFUSED', resolvesTo('127.0.0.1', 'loopback')),
    {
      label: `http localhost:${p}`,
      template: 'probePlain',
      context: { host: `localhost:${p}` },
      code: 'URL_REFUSED',
      why: /plain http is not allowed \(https only\)/,
    },
    https(`127.1:${p}`, 'INVALID_HOST', NUMERIC),
    https(`2130706433:${p}`, 'INVALID_HOST', NUMERIC),
    https(`0x7f000001:${p}`, 'INVALID_HOST', NUMERIC),
    https(`0177.0.0.1:${p}`, 'INVALID_HOST', NUMERIC),
    https(`0:${p}`, 'INVALID_HOST', NUMERIC),
    // Host-shaped, but no URL can have them: a port past 65535, an invalid IDNA label.
    https('api.example.com:99999', 'INVALID_HOST', /not a valid host/),
    https('xn--a.example.com', 'INVALID_HOST', /not a valid host/),
    // Mixed spellings: every label is a number, so URL parsing would make them 127.0.0.1.
    https(`0x7f.1:${p}`, 'INVALID_HOST', NUMERIC),
    https(`127.0x0.0.1:${p}`, 'INVALID_HOST', NUMERIC),
    https(`127.0.0.1.:${p}`, 'URL_REFUSED', IP_LITERAL),
    https(`0.0.0.0:${p}`, 'URL_REFUSED', IP_LITERAL),
    https(`[::1]:${p6}`, 'URL_REFUSED', IP_LITERAL),
    https(`[::]:${p6}`, 'URL_REFUSED', IP_LITERAL),
    https(`[::ffff:127.0.0.1]:${p}`, 'URL_REFUSED', IP_LITERAL),
    https(`[0:0:0:0:0:ffff:7f00:1]:${p}`, 'URL_REFUSED', IP_LITERAL),
    https(`[::127.0.0.1]:${p}`, 'URL_REFUSED', IP_LITERAL),
    https('[::1%25lo]', 'INVALID_HOST', NOT_A_NAME),
    https('169.254.169.254', 'URL_REFUSED', IP_LITERAL),
    https('10.0.0.1', 'URL_REFUSED', IP_LITERAL),
    https('192.168.0.1', 'URL_REFUSED', IP_LITERAL),
    https('100.64.0.1', 'URL_REFUSED', IP_LITERAL),
    https('[fd00::1]', 'URL_REFUSED', IP_LITERAL),
    https(`good.host@127.0.0.1:${p}`, 'INVALID_HOST', NOT_A_NAME),
    https(`good.host:80@127.0.0.1:${p}`, 'INVALID_HOST', NOT_A_NAME),
    https('127.0.0.1#.good.host', 'INVALID_HOST', NOT_A_NAME),
    https(`127.0.0.1:${p}/x`, 'INVALID_HOST', NOT_A_NAME),
    https(`127.0.0.1:${p}\\x`, 'INVALID_HOST', NOT_A_NAME),
    https('good.host#', 'INVALID_HOST', NOT_A_NAME),
    https('127.0.0.1%2f', 'INVALID_HOST', NOT_A_NAME),
    https(`127.0.0.1:${p} `, 'INVALID_HOST', NOT_A_NAME, '127.0.0.1:<port> + space'),
    https(`localhost:${p}\r\nX: y`, 'INVALID_HOST', NOT_A_NAME, 'localhost:<port> + CRLF'),
    // Fullwidth letters: URL parsing would map them to plain `localhost`.
    https(`ｌｏｃａｌｈｏｓｔ:${p}`, 'INVALID_HOST', NOT_A_NAME),
    https(`loopback.test:${p}`, 'URL_REFUSED', resolvesTo('127.0.0.1', 'loopback')),
    https(`LOOPBACK.TEST.:${p}`, 'URL_REFUSED', resolvesTo('127.0.0.1', 'loopback')),
    https('metadata.test', 'URL_REFUSED', resolvesTo('169.254.169.254', 'linkLocal')),
    https(`mixed.test:${p}`, 'URL_REFUSED', resolvesTo('10.0.0.1', 'private')),
    https(`mixed-loop.test:${p}`, 'URL_REFUSED', resolvesTo('127.0.0.1', 'loopback')),
    https(`v6.test:${p6}`, 'URL_REFUSED', resolvesTo('::1', 'loopback')),
    https(`mapped.test:${p}`, 'URL_REFUSED', resolvesTo('::ffff:127.0.0.1', 'loopback')),
    https(`nat64.test:${p}`, 'URL_REFUSED', resolvesTo('64:ff9b::7f00:1', 'loopback')),
    {
      label: 'http public.test',
      template: 'probePlain',
      context: { host: 'public.test' },
      code: 'URL_REFUSED',
      why: /plain http is not allowed \(https only\)/,
    },
    {
      label: `sub: 127.0.0.1:${p}#`,
      template: 'sub',
      context: { sub: `127.0.0.1:${p}#` },
      code: 'INVALID_HOST',
      why: NOT_A_NAME,
    },
    {
      label: `sub: x@127.0.0.1:${p}/`,
      template: 'sub',
      context: { sub: `x@127.0.0.1:${p}/` },
      code: 'INVALID_HOST',
      why: NOT_A_NAME,
    },
  ];
}

describe('invoke refuses SSRF probes before any byte leaves', () => {
  it('refuses every probe with 400 APP (403 for the egress policy, as FDK), 0 attempts, and the listeners see nothing', async () => {
    // Prepare
    const [v4, v6] = await listen(
      startCountingServer({ host: '127.0.0.1' }),
      startCountingServer({ host: '::1' }),
    );
    if (v4 === undefined || v6 === undefined) throw new Error('listeners did not start');
    const { egress } = egressWith([]);
    const table = probes(v4.port, v6.port);

    // Act
    const observed: { label: string; code: string; status: number; source: string; attempts: number }[] = [];
    for (const probe of table) {
      const error = await refusalOf(call(egress, probe.template, probe.context));
      observed.push({
        label: probe.label,
        code: error.code,
        status: error.status,
        source: error.errorSource,
        attempts: error.attempts,
      });
      // Assert (per probe, so a failure names it)
      expect({ label: probe.label, message: error.response }).toEqual({
        label: probe.label,
        message: expect.stringMatching(probe.why),
      });
    }

    // Assert
    expect(table.length).toBeGreaterThanOrEqual(15);
    expect(observed).toEqual(
      table.map((probe) => ({
        label: probe.label,
        code: probe.code,
        status: probe.code === 'URL_REFUSED' ? 403 : 400,
        source: 'APP',
        attempts: 0,
      })),
    );
    expect(totalConnections()).toBe(0);
    expect(totalBytes()).toBe(0);
  });

  it('does not ask DNS about IP literals or about plain http that no entry could allow', async () => {
    // Prepare
    const [v4] = await listen(startCountingServer({ host: '127.0.0.1' }));
    const { egress, lookup } = egressWith([]);

    // Act
    await refusalOf(call(egress, 'probe', { host: `127.0.0.1:${v4?.port}` }));
    await refusalOf(call(egress, 'probe', { host: '[::ffff:169.254.169.254]' }));
    await refusalOf(call(egress, 'probePlain', { host: 'public.test' }));
    await refusalOf(call(egress, 'probe', { host: `2130706433:${v4?.port}` }));
    const named = await refusalOf(call(egress, 'probe', { host: 'metadata.test' }));

    // Assert
    expect(named.code).toBe('URL_REFUSED');
    expect(lookup.calls).toEqual(['metadata.test']);
    expect(totalConnections()).toBe(0);
  });
});

// ---- the allow list, exactly ----------------------------------------------------------------

describe('HANDSHAKE_EGRESS_ALLOW lifts the rules for exactly its destinations', () => {
  it('an address entry with a port: only that address and port are reached', async () => {
    // Prepare
    const [allowed, sameOther] = await startOnSamePort(
      { host: '127.0.0.2', status: 203, body: 'allowed upstream' },
      { host: '127.0.0.1' },
    );
    servers.push(allowed, sameOther);
    const [otherPort] = await listen(startCountingServer({ host: '127.0.0.2' }));
    if (otherPort === undefined) throw new Error('listener did not start');
    const port = allowed.port;
    const { egress } = egressWith([`127.0.0.2:${port}`]);

    // Act
    const through = await call(egress, 'probePlain', { host: `127.0.0.2:${port}` });
    const viaName = await call(egress, 'probePlain', { host: `loop2.test:${port}` });
    const viaMapped = await call(egress, 'probePlain', { host: `[::ffff:127.0.0.2]:${port}` });
    const refusals = await Promise.all(
      [`127.0.0.1:${port}`, `127.0.0.2:${otherPort.port}`, `loopback.test:${port}`, '127.0.0.2'].map(
        async (host) => ({ host, error: await refusalOf(call(egress, 'probePlain', { host })) }),
      ),
    );

    // Assert
    expect(through).toEqual({
      status: 203,
      headers: expect.objectContaining({ 'content-type': 'text/plain' }),
      response: 'allowed upstream',
      attempts: 1,
    });
    // An address entry covers names resolving to it and the IPv4-mapped form (docs/egress.md).
    expect(viaName).toMatchObject({ status: 203, attempts: 1 });
    expect(viaMapped).toMatchObject({ status: 203, attempts: 1 });
    expect(allowed.connections()).toBe(3);
    expect(allowed.requests.map((request) => request.target)).toEqual(['/probe', '/probe', '/probe']);
    expect(
      refusals.map(({ host, error }) => ({
        host,
        status: error.status,
        source: error.errorSource,
        code: error.code,
        attempts: error.attempts,
      })),
    ).toEqual(
      refusals.map(({ host }) => ({ host, status: 403, source: 'APP', code: 'URL_REFUSED', attempts: 0 })),
    );
    expect(sameOther.connections()).toBe(0);
    expect(otherPort.connections()).toBe(0);
    expect(sameOther.bytes() + otherPort.bytes()).toBe(0);
  });

  it('a name entry with a port: only that name (any case, root dot) on that port', async () => {
    // Prepare
    const [target, otherPort] = await listen(
      startCountingServer({ host: '127.0.0.1', status: 202 }),
      startCountingServer({ host: '127.0.0.1' }),
    );
    if (target === undefined || otherPort === undefined) throw new Error('listeners did not start');
    const { egress } = egressWith([`localhost:${target.port}`]);

    // Act
    const through = await call(egress, 'probePlain', { host: `localhost:${target.port}` });
    const dotted = await call(egress, 'probePlain', { host: `LocalHost.:${target.port}` });
    const refusals = await Promise.all(
      [
        `127.0.0.1:${target.port}`,
        `localhost:${otherPort.port}`,
        `loopback.test:${target.port}`,
        `sub.localhost:${target.port}`,
      ].map(async (host) => ({ host, error: await refusalOf(call(egress, 'probePlain', { host })) })),
    );

    // Assert
    expect(through).toMatchObject({ status: 202, attempts: 1 });
    expect(dotted).toMatchObject({ status: 202, attempts: 1 });
    expect(target.connections()).toBe(2);
    expect(refusals.map(({ host, error }) => ({ host, code: error.code, status: error.status }))).toEqual(
      refusals.map(({ host }) => ({ host, code: 'URL_REFUSED', status: 403 })),
    );
    expect(otherPort.connections()).toBe(0);
  });
});

// ---- hostile context in path, query and headers ---------------------------------------------

describe('context values cannot leave the path, reshape the query values or add headers', () => {
  const HOSTILE: readonly { value: string; encoded: string }[] = [
    { value: 'a&b=c', encoded: 'a%26b%3Dc' },
    { value: 'x#frag', encoded: 'x%23frag' },
    { value: '100%', encoded: '100%25' },
    { value: '../admin', encoded: '..%2Fadmin' },
    { value: 'ünïcödé/✓', encoded: '%C3%BCn%C3%AFc%C3%B6d%C3%A9%2F%E2%9C%93' },
  ];

  async function upstream() {
    const [server] = await listen(startCountingServer({ host: '127.0.0.1' }));
    if (server === undefined) throw new Error('listener did not start');
    const { egress } = egressWith([`127.0.0.1:${server.port}`]);
    return { server, egress, host: server.authority };
  }

  it('substitutes a value in the path as text, as FDK does: a / is a separator, a ? starts the query', async () => {
    // Prepare
    const { server, egress, host } = await upstream();
    const values = [
      ['owner/repo', '/items/owner/repo?q=&fixed=1'],
      ['a b', '/items/a%20b?q=&fixed=1'],
      ['100%', '/items/100%25?q=&fixed=1'],
      ['ünï/✓', '/items/%C3%BCn%C3%AF/%E2%9C%93?q=&fixed=1'],
      ['x?page=2&fixed=0', '/items/x?page=2&fixed=1&q='],
    ];

    // Act
    for (const [id] of values) await call(egress, 'items', { host, id });

    // Assert
    expect(server.requests.map((request) => request.target)).toEqual(values.map(([, target]) => target));
  });

  it('encodes a value in a query parameter: no extra key, the value round-trips', async () => {
    // Prepare
    const { server, egress, host } = await upstream();

    // Act
    for (const { value } of HOSTILE) await call(egress, 'items', { host, id: 'x', q: value });

    // Assert
    expect(server.requests.map((request) => request.target)).toEqual(
      HOSTILE.map(({ encoded }) => `/items/x?q=${encoded}&fixed=1`),
    );
    for (const [index, request] of server.requests.entries()) {
      const query = new URL(request.target, 'http://x').searchParams;
      expect([...query.keys()]).toEqual(['q', 'fixed']);
      expect(query.get('q')).toBe(HOSTILE[index]?.value);
    }
  });

  it('refuses a value that climbs, hides a dot segment or a separator, or ends the path, and sends nothing', async () => {
    // Prepare
    const { server, egress, host } = await upstream();
    const hostile = [
      '..',
      '.',
      '%2e%2e',
      '.%2E',
      '%2e',
      'a/../../x',
      'a%2fb',
      'a\\b',
      '%252e%252e',
      'x#y',
      'x\r\ny',
    ];

    // Act
    const refused = [];
    for (const id of hostile) refused.push(await refusalOf(call(egress, 'items', { host, id })));
    // Dots that are not a whole segment are just text.
    await call(egress, 'items', { host, id: '...' });

    // Assert
    expect(refused.map((error) => [error.status, error.errorSource, error.code, error.attempts])).toEqual(
      hostile.map(() => [400, 'APP', 'INVALID_PATH', 0]),
    );
    for (const [index, error] of refused.entries())
      expect(error.response).toContain(`from the value ${JSON.stringify(hostile[index])}`);
    expect(server.requests.map((request) => request.target)).toEqual(['/items/...?q=&fixed=1']);
    expect(server.connections()).toBe(1);
  });

  it('refuses CR or LF in a header value rendered from context, and sends nothing', async () => {
    // Prepare
    const { server, egress, host } = await upstream();
    const traces = ['abc\r\nX-Injected: 1', 'abc\nX-Injected: 1', 'abc\rX-Injected: 1'];

    // Act
    const refused = [];
    for (const trace of traces)
      refused.push(await refusalOf(call(egress, 'items', { host, id: 'x', trace })));
    const control = await refusalOf(call(egress, 'items', { host, id: 'x', trace: 'abc\u0000def' }));
    const fine = await call(egress, 'items', { host, id: 'x', trace: 'abc def' });

    // Assert
    expect(refused.map((error) => [error.status, error.errorSource, error.code, error.attempts])).toEqual(
      traces.map(() => [400, 'APP', 'INVALID_HEADER', 0]),
    );
    // Other control characters are stopped by the egress policy instead.
    expect([control.status, control.errorSource, control.code, control.attempts]).toEqual([
      403,
      'APP',
      'URL_REFUSED',
      0,
    ]);
    expect(fine.status).toBe(200);
    expect(server.connections()).toBe(1);
    expect(server.requests[0]?.headers).toContainEqual(['X-Trace', 'abc def']);
    expect(server.requests[0]?.head).not.toMatch(/X-Injected/i);
  });
});
