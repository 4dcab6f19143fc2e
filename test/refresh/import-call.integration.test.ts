/**
 * An import validated by one call (`validate: { "template": …, "context": … }`) renders the
 * template as an invoke would: the caller's context, and the imported grant's kept fields as
 * `account.NAME` — here Salesforce's `instance_url` as the whole host, held to the
 * integration's `handshake.allowed_hosts`. Through the HTTP API, against a provider double
 * that records what it received.
 */
import {
  ADMIN,
  bearer,
  createInstallation,
  partition,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { useProviderDouble, writeApp } from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          crm: {
            display_name: 'CRM',
            client_id: 'crm-client',
            client_secret: 'crm-secret',
            authorize_url: `${provider().origin}/oauth/authorize`,
            token_url: `${provider().origin}/oauth/token`,
            token_type: 'account',
            handshake: { keep_fields: ['instance_url'], allowed_hosts: [provider().host] },
          },
        },
      },
      requests: {
        getUser: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: '<%= account.instance_url %>',
            path: '/services/users/<%= context.id %>',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'crm' },
        },
      },
    }),
  }),
});

async function importInto(id: string, body: unknown) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/crm/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('an import validated by a call that reads the account and the context', () => {
  it('renders the host from the imported instance_url and the path from the context', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = () => ({ body: { id: '005xx' } });
    // Act
    const imported = await importInto(installation.id, {
      access_token: 'at-crm-imported',
      extra: { instance_url: `${provider().origin}/tenant-7` },
      validate: { template: 'getUser', context: { id: '005xx' } },
    });
    // Assess
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ outcome: 'validated' });
    const calls = provider().calls.filter((call) => call.path.startsWith('/tenant-7/'));
    expect(calls.map((call) => [call.method, call.path, call.headers.authorization])).toEqual([
      ['GET', '/tenant-7/services/users/005xx', 'Bearer at-crm-imported'],
    ]);
    const { tokens } = await storedTokens(installation.id, 'crm');
    expect(tokens).toMatchObject({
      accessToken: 'at-crm-imported',
      extra: { instance_url: `${provider().origin}/tenant-7` },
    });
  });

  it('refuses an instance_url outside allowed_hosts before sending anything, storing nothing', async () => {
    // Prepare
    const installation = await createInstallation();
    const before = provider().calls.length;
    // Act
    const refused = await importInto(installation.id, {
      access_token: 'at-crm-elsewhere',
      extra: { instance_url: 'http://127.0.0.1:9/' },
      validate: { template: 'getUser', context: { id: '1' } },
    });
    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: {
        code: 'INVALID_REQUEST',
        message: 'schema.host rendered to "127.0.0.1:9", which is not in handshake.allowed_hosts',
      },
    });
    expect(JSON.stringify(refused.body)).not.toContain('at-crm-elsewhere');
    expect(provider().calls.slice(before)).toEqual([]);
    expect(
      (await partition(installation.id)).filter((item) => String(item.sk).startsWith('ACCOUNT#')),
    ).toEqual([]);
  });
});
