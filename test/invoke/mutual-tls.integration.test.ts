/**
 * `options.security` through POST /installations/{id}/invoke: the template's TLS material comes
 * from the installation's secure iparams or its app settings (FDK's way), and the upstream is a real HTTPS server with a private
 * CA that demands a client certificate (mutual TLS).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { INSTALLATION_SK, installationPk } from '../../lib/store/layout';
import { type LocalServer, MTLS, startMutualTlsServer } from '../egress/servers';
import { createInstallation, useHarness, world } from '../support/harness';
import { installationOn, invoke } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

let server: LocalServer;
const clients: string[] = [];
beforeAll(async () => {
  server = await startMutualTlsServer(clients);
});
afterAll(async () => {
  await server?.close();
});

const installation = (iparams: Record<string, string>) => installationOn(`localhost:${server.port}`, iparams);
const MUTUAL_TLS = { template: 'mutualTls' };

describe('options.security (mutual TLS) through the invoke API', () => {
  it('presents the installation’s client certificate and trusts its private CA', async () => {
    const created = await installation({
      partner_ca: MTLS.serverCa,
      client_cert: MTLS.clientCert,
      client_key: MTLS.clientKey,
    });
    clients.length = 0;
    const { http, envelope } = await invoke(created, MUTUAL_TLS);
    expect([http, envelope.status, envelope.response]).toEqual([200, 200, 'mutual']);
    expect(clients).toEqual(['installation-client']);

    // The PEM text is sealed with the other secure iparams: not one line of it in DynamoDB.
    const item = await world.table.client.send(
      new GetCommand({
        TableName: world.table.tableName,
        Key: { pk: installationPk(created.id), sk: INSTALLATION_SK },
      }),
    );
    const stored = JSON.stringify(item.Item);
    for (const pem of [MTLS.clientKey, MTLS.clientCert, MTLS.serverCa]) {
      expect(stored).not.toContain(pem.split('\n')[1]);
    }
  }, 60_000);

  it('a certificate the upstream’s CA did not sign is refused by the upstream', async () => {
    const created = await installation({
      partner_ca: MTLS.serverCa,
      client_cert: MTLS.strangerCert,
      client_key: MTLS.strangerKey,
    });
    clients.length = 0;
    const { http, envelope } = await invoke(created, MUTUAL_TLS);
    expect([http, envelope.errorSource]).toEqual([502, 'PLATFORM']);
    expect(clients).toEqual([]);
  });

  it('an installation without the certificate is refused before anything is sent', async () => {
    const created = await installation({ partner_ca: MTLS.serverCa });
    const before = server.connections();
    const { http, envelope } = await invoke(created, MUTUAL_TLS);
    expect([http, envelope.errorSource]).toEqual([400, 'APP']);
    expect(String(envelope.response)).toContain('options.security.cert');
    expect(String(envelope.response)).not.toContain('BEGIN');
    expect(server.connections()).toBe(before);
  });

  it('takes the material from app settings, as FDK apps write it, sealed at rest like secure iparams', async () => {
    const created = await createInstallation({
      iparams: { upstream: `localhost:${server.port}` },
      app_settings: { tls: { ca: MTLS.serverCa, cert: MTLS.clientCert, key: MTLS.clientKey } },
    });
    clients.length = 0;
    const { http, envelope } = await invoke(created, { template: 'mutualTlsSettings' });
    expect([http, envelope.status, envelope.response]).toEqual([200, 200, 'mutual']);
    expect(clients).toEqual(['installation-client']);
    const item = await world.table.client.send(
      new GetCommand({
        TableName: world.table.tableName,
        Key: { pk: installationPk(created.id), sk: INSTALLATION_SK },
      }),
    );
    expect(JSON.stringify(item.Item)).not.toContain(MTLS.clientKey.split('\n')[1]);
    expect(item.Item?.appSettingNames).toEqual(['tls']);
  });
});
