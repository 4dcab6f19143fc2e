/**
 * TLS material per request (EgressRequest.tls) against a real HTTPS server that demands a client
 * certificate: the certificate is presented, the private CA replaces the public ones, and a
 * connection made with one certificate is never reused for a request with another or none.
 */
import { createEgress, type Egress, EgressError, type EgressRequest, parseAllowList } from '../../lib/egress';
import { type LocalServer, MTLS, startMutualTlsServer } from './servers';

let server: LocalServer;
let egress: Egress;
const clients: string[] = [];

beforeAll(async () => {
  server = await startMutualTlsServer(clients);
  egress = createEgress({ allow: parseAllowList(['localhost', '127.0.0.0/8']) });
});
afterAll(async () => {
  await egress.close();
  await server.close();
});
beforeEach(() => {
  clients.length = 0;
});

const request = (tls?: EgressRequest['tls']): EgressRequest => ({
  url: `https://localhost:${server.port}/`,
  method: 'GET',
  timeoutMs: 5000,
  maxResponseBytes: 1024,
  ...(tls === undefined ? {} : { tls }),
});

async function failure(promise: Promise<unknown>): Promise<EgressError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EgressError);
  return error as EgressError;
}

describe('mutual TLS through the egress', () => {
  it('presents the client certificate and trusts the private CA', async () => {
    const answer = await egress.send(
      request({ ca: MTLS.serverCa, cert: MTLS.clientCert, key: MTLS.clientKey }),
    );
    expect([answer.status, answer.body.toString()]).toEqual([200, 'mutual']);
    expect(clients).toEqual(['installation-client']);
  });

  it('opens an encrypted key with its passphrase', async () => {
    const answer = await egress.send(
      request({
        ca: MTLS.serverCa,
        cert: MTLS.clientCert,
        key: MTLS.clientKeyEncrypted,
        passphrase: MTLS.passphrase,
      }),
    );
    expect(answer.status).toBe(200);
  });

  // A keep-alive connection authenticated with the certificate would answer 200 to the second.
  it('never reuses a connection made with a certificate for a request without one', async () => {
    const withCert = request({ ca: MTLS.serverCa, cert: MTLS.clientCert, key: MTLS.clientKey });
    expect((await egress.send(withCert)).status).toBe(200);
    const error = await failure(egress.send(request({ ca: MTLS.serverCa })));
    expect(error.kind).toBe('network');
    expect((await egress.send(withCert)).status).toBe(200);
    expect(clients).toEqual(['installation-client', 'installation-client']);
  });

  it('is refused by the server with a certificate its CA did not sign', async () => {
    const error = await failure(
      egress.send(request({ ca: MTLS.serverCa, cert: MTLS.strangerCert, key: MTLS.strangerKey })),
    );
    expect(error.kind).toBe('network');
    expect(clients).toEqual([]);
  });

  it('refuses the server without the private CA (public CAs only)', async () => {
    const before = server.requests.length;
    const error = await failure(egress.send(request({ cert: MTLS.clientCert, key: MTLS.clientKey })));
    expect([error.kind, error.reason]).toEqual(['network', expect.stringMatching(/CERT|VERIFY|ISSUER/)]);
    expect(server.requests).toHaveLength(before);
  });

  it('refuses TLS material over plain http, before connecting', async () => {
    const error = await failure(
      egress.send({ ...request({ ca: MTLS.serverCa }), url: `http://localhost:${server.port}/` }),
    );
    expect(error.kind).toBe('refused');
  });
});
