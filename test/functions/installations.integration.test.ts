import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { INSTALLATION_SK, installationPk } from '../../lib/store/layout';
import { createTestTable, type TestTable } from '../support/dynamo';
import {
  EVENTS_ADMIN_KEY,
  forInstallation,
  lambdaContext,
  loadEvent,
  withAuthorization,
} from '../support/events';
import { localFunctionEnv } from '../support/local-env';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let table: TestTable;
let handler: Handler;

beforeAll(async () => {
  table = await createTestTable();
  await localFunctionEnv(table, EVENTS_ADMIN_KEY);
  ({ handler } = (await import('../../functions/installations')) as unknown as { handler: Handler });
});
afterAll(async () => {
  await table.drop();
});

async function call(name: string, ...changes: Array<(e: ReturnType<typeof loadEvent>) => void>) {
  const result = await handler(
    loadEvent(name, (event) => {
      for (const change of changes) change(event);
    }),
    lambdaContext(),
  );
  const body = result.body === undefined || result.body === '' ? undefined : JSON.parse(result.body);
  return { status: result.statusCode, headers: result.headers ?? {}, body, raw: result.body ?? '' };
}

async function createInstallation() {
  const created = await call('installations.json');
  expect(created.status).toBe(201);
  return created.body as { id: string; apiKey: string };
}

describe('POST /installations', () => {
  it('creates an installation, shows its key once and never a secure iparam', async () => {
    // Act
    const created = await call('installations.json');
    // Assess: the response
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^in_[A-Za-z0-9]+$/);
    expect(created.body.apiKey).toMatch(new RegExp(`^hsk_${created.body.id}_`));
    expect(created.body.iparams).toEqual({ freshservice_domain: 'acme' });
    expect(created.body.secureIparams).toEqual(['freshservice_api_key']);
    expect(created.raw).not.toContain('example-freshservice-api-key');
    expect(created.headers.location).toBe(`/installations/${created.body.id}`);
    expect(created.body.integrations.map((i: { name: string }) => i.name)).toEqual([
      'freshservice',
      'hubspot',
      'google',
    ]);
    // Assess: what DynamoDB holds — a hash of the key, a sealed secure iparam
    const item = (
      await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: installationPk(created.body.id), sk: INSTALLATION_SK },
        }),
      )
    ).Item;
    const stored = JSON.stringify(item);
    expect(stored).not.toContain('example-freshservice-api-key');
    expect(stored).not.toContain(created.body.apiKey);
    expect(item?.secureIparams).toMatch(/^v1\./);
  });

  it.each([
    ['no key', withAuthorization(undefined)],
    ['a wrong key', withAuthorization('Bearer hsa_not-the-admin-key')],
    ['a malformed header', withAuthorization('Basic dXNlcjpwYXNz')],
  ])('answers 401 UNAUTHENTICATED to %s', async (_label, change) => {
    const response = await call('installations.json', change);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 to the events payloads without a valid key', async () => {
    expect((await call('installations/create-no-key.json')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await call('installations/create-wrong-key.json')).body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an installation key for admin operations', async () => {
    const { apiKey } = await createInstallation();
    const response = await call('installations.json', withAuthorization(`Bearer ${apiKey}`));
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 400 INVALID_JSON to a malformed body without echoing it', async () => {
    const response = await call('installations/create-malformed-json.json');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_JSON');
    expect(response.raw).not.toContain('acme');
  });

  it('names an unknown iparam', async () => {
    const response = await call('installations/create-unknown-iparam.json');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain('region');
  });

  it('names a missing required iparam', async () => {
    const response = await call('installations/create-missing-iparam.json');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain('freshservice_domain');
  });

  it('refuses a lone surrogate in an iparam with 400 INVALID_REQUEST naming the iparam', async () => {
    // Act: the body text carries "acme\ud800", valid JSON that parses to ill-formed Unicode
    const response = await call('installations/create-ill-formed-iparam.json');
    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: 'INVALID_REQUEST',
      message:
        'iparams.freshservice_domain contains ill-formed Unicode (a lone surrogate); send well-formed UTF-16/UTF-8',
    });
    expect(response.raw).not.toContain('example-freshservice-api-key');
  });

  it('refuses a body nested deeper than 64 levels with 400, never a stack overflow', async () => {
    // Act
    const response = await call('installations.json', (e) => {
      e.body = `{"iparams":{"freshservice_domain":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    });
    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain('deeper than 64 levels');
  });

  it('refuses unknown top-level fields and a non-JSON content type', async () => {
    const extra = await call('installations.json', (e) => {
      e.body = JSON.stringify({ iparams: { freshservice_domain: 'a' }, apiKey: 'mine' });
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('apiKey');
    const form = await call('installations.json', (e) => {
      e.headers['content-type'] = 'application/x-www-form-urlencoded';
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('GET /installations/{id}', () => {
  it('shows an installation to the admin and to its own key, with pending integrations', async () => {
    const { id, apiKey } = await createInstallation();
    for (const auth of [`Bearer ${EVENTS_ADMIN_KEY}`, `Bearer ${apiKey}`]) {
      const response = await call('installations/get.json', forInstallation(id), withAuthorization(auth));
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(id);
      expect(response.body.integrations[0]).toMatchObject({
        name: 'freshservice',
        tokenType: 'account',
        accounts: [],
      });
      expect(response.raw).not.toContain('example-freshservice-api-key');
    }
  });

  it("refuses another installation's key, whether or not the id exists", async () => {
    const mine = await createInstallation();
    const theirs = await createInstallation();
    const other = await call(
      'installations/get.json',
      forInstallation(theirs.id),
      withAuthorization(`Bearer ${mine.apiKey}`),
    );
    const missing = await call(
      'installations/get.json',
      forInstallation('in_doesnotexistdoesnota'),
      withAuthorization(`Bearer ${mine.apiKey}`),
    );
    expect(other.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 404 NOT_FOUND for an unknown installation', async () => {
    const response = await call('installations/get.json');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 401 to a forged installation key', async () => {
    const { id } = await createInstallation();
    const forged = `hsk_${id}_${'A'.repeat(43)}`;
    const response = await call(
      'installations/get.json',
      forInstallation(id),
      withAuthorization(`Bearer ${forged}`),
    );
    expect(response.status).toBe(401);
  });
});

describe('DELETE /installations/{id}', () => {
  it('deletes the installation: it is gone and its key no longer works', async () => {
    const { id, apiKey } = await createInstallation();
    const deleted = await call('installations/delete.json', forInstallation(id));
    expect(deleted.status).toBe(204);
    expect((await call('installations/get.json', forInstallation(id))).status).toBe(404);
    const withOwnKey = await call(
      'installations/get.json',
      forInstallation(id),
      withAuthorization(`Bearer ${apiKey}`),
    );
    expect(withOwnKey.status).toBe(401);
    expect((await call('installations/delete.json', forInstallation(id))).status).toBe(404);
  });

  it('is for the admin only', async () => {
    const { id, apiKey } = await createInstallation();
    const response = await call(
      'installations/delete.json',
      forInstallation(id),
      withAuthorization(`Bearer ${apiKey}`),
    );
    expect(response.status).toBe(403);
    expect((await call('installations/get.json', forInstallation(id))).status).toBe(200);
  });
});

/** Replaces the event's body with this JSON. */
const withBody = (body: unknown) => (event: ReturnType<typeof loadEvent>) => {
  event.body = JSON.stringify(body);
};
const IPARAMS = { freshservice_domain: 'acme', freshservice_api_key: 'example-freshservice-api-key' };

describe('current_host and app_settings', () => {
  it('are taken by POST, shown by GET (the settings by name: they are secrets), and the settings replaced whole by PUT', async () => {
    // Act: create with both
    const created = await call(
      'installations.json',
      withBody({
        iparams: IPARAMS,
        current_host: {
          endpoint_urls: { freshdesk: 'acme.freshdesk.com', freshservice: 'acme.freshservice.com:8443' },
        },
        app_settings: { ticket_view: 'open', nested: { ok: [1, true, null] } },
      }),
    );
    // Assess: the answer and GET show both under FDK's names
    expect(created.status).toBe(201);
    const shown = await call('installations/get.json', forInstallation(created.body.id));
    for (const view of [created.body, shown.body]) {
      expect(view.current_host).toEqual({
        endpoint_urls: { freshdesk: 'acme.freshdesk.com', freshservice: 'acme.freshservice.com:8443' },
      });
      expect(view.app_settings).toEqual(['ticket_view', 'nested']);
    }
    // Assess: sealed at rest, like secure iparams — no value of them in the stored item
    const item = (
      await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: installationPk(created.body.id), sk: INSTALLATION_SK },
        }),
      )
    ).Item;
    expect(item?.appSettings).toMatch(/^v1\./);
    expect(JSON.stringify(item)).not.toContain('open');
    expect(item?.appSettingNames).toEqual(['ticket_view', 'nested']);
    // Act: the installation's own key replaces the settings
    const replaced = await call(
      'installations/app-settings.json',
      forInstallation(created.body.id),
      withAuthorization(`Bearer ${created.body.apiKey}`),
      withBody({ page_size: 50 }),
    );
    // Assess
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ app_settings: ['page_size'] });
    const after = await call('installations/get.json', forInstallation(created.body.id));
    expect(after.body.app_settings).toEqual(['page_size']);
    expect(after.body.current_host.endpoint_urls.freshdesk).toBe('acme.freshdesk.com');
  });

  it('default to empty when not given, and the admin may set the settings later', async () => {
    const { id } = await createInstallation();
    const shown = await call('installations/get.json', forInstallation(id));
    expect(shown.body.current_host).toEqual({ endpoint_urls: {} });
    expect(shown.body.app_settings).toEqual([]);
    const replaced = await call('installations/app-settings.json', forInstallation(id));
    expect(replaced.status).toBe(200);
    expect((await call('installations/get.json', forInstallation(id))).body.app_settings).toEqual([
      'ticket_view',
      'page_size',
    ]);
  });

  it.each([
    ['a path', 'evil.com/path', 'not a host name'],
    ['user information', 'a@b', 'not a host name'],
    [
      'an IP address the egress allow list does not name',
      '127.0.0.1',
      'IP address hosts are refused unless listed',
    ],
    ['a numeric host form', '2130706433', 'a numeric host form'],
    ['a scheme', 'https://acme.freshdesk.com', 'not a host name'],
  ])('refuses a current_host value with %s, naming the product', async (_label, host, why) => {
    // Act
    const response = await call(
      'installations.json',
      withBody({ iparams: IPARAMS, current_host: { endpoint_urls: { freshdesk: host } } }),
    );
    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain(`current_host.endpoint_urls.freshdesk: ${why}`);
  });

  it.each([
    [
      'an unknown key under current_host',
      { current_host: { endpoint_urls: {}, domain: 'x' } },
      'current_host.domain',
    ],
    [
      'a host that is not a string',
      { current_host: { endpoint_urls: { freshdesk: 1 } } },
      'current_host.endpoint_urls.freshdesk',
    ],
    ['app_settings that are not an object', { app_settings: ['a'] }, 'app_settings'],
    [
      'a product that is not an identifier',
      { current_host: { endpoint_urls: { 'fresh.desk': 'a.com' } } },
      'fresh.desk',
    ],
  ])('refuses %s', async (_label, extra, field) => {
    const response = await call('installations.json', withBody({ iparams: IPARAMS, ...extra }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain(field);
  });

  it('refuses app settings over 16 KB of JSON, on POST and on PUT, and keeps the old ones', async () => {
    // Prepare
    const big = { blob: 'x'.repeat(16_384) };
    const { id } = await createInstallation();
    // Act
    const created = await call('installations.json', withBody({ iparams: IPARAMS, app_settings: big }));
    const replaced = await call('installations/app-settings.json', forInstallation(id), withBody(big));
    // Assess
    for (const response of [created, replaced]) {
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain('at most 16384');
    }
    expect((await call('installations/get.json', forInstallation(id))).body.app_settings).toEqual([]);
  });

  it("refuses a PUT with another installation's key, whether or not the id exists, and changes nothing", async () => {
    // Prepare
    const mine = await createInstallation();
    const theirs = await createInstallation();
    // Act
    const other = await call(
      'installations/app-settings.json',
      forInstallation(theirs.id),
      withAuthorization(`Bearer ${mine.apiKey}`),
    );
    const missing = await call(
      'installations/app-settings.json',
      forInstallation('in_doesnotexistdoesnota'),
      withAuthorization(`Bearer ${mine.apiKey}`),
    );
    const anonymous = await call(
      'installations/app-settings.json',
      forInstallation(theirs.id),
      withAuthorization(undefined),
    );
    // Assess
    expect(other.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect((await call('installations/get.json', forInstallation(theirs.id))).body.app_settings).toEqual([]);
  });

  it('answers 404 to a PUT for an unknown installation, and 400 to a body that is not an object', async () => {
    const { id } = await createInstallation();
    const unknown = await call('installations/app-settings.json', forInstallation('in_doesnotexistdoesnota'));
    const array = await call('installations/app-settings.json', forInstallation(id), withBody([1]));
    const empty = await call('installations/app-settings.json', forInstallation(id), (event) => {
      event.body = '';
    });
    expect(unknown.status).toBe(404);
    expect(array.status).toBe(400);
    expect(empty.status).toBe(400);
  });
});
