/**
 * Importing grants issued elsewhere, through the HTTP API against a real authorization server
 * (oidc-provider: rotating refresh tokens, a grant revoked on reuse) and a real upstream that
 * checks each access token at the provider. The grants to import are real: a person connects in
 * a "source" installation in Chromium, and its stored tokens are exported from the table (the
 * record then removed, as the old system would stop using them).
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { accountSk, installationPk } from '../../lib/store/layout';
import { useUpstream } from '../invoke/support/invoke-api';
import { lambdaContext, loadEvent } from '../support/events';
import {
  ADMIN,
  accountsOf,
  bearer,
  createInstallation,
  ofEndpoint,
  partition,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { type Receiver, startReceiver } from '../support/receiver';
import { connectedToUpstream } from '../support/upstream-installation';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' }) });
const upstream = useUpstream();
afterAll(async () => {
  await receiver?.close();
});

interface Exported {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** A real grant of `beta`, taken out of the installation it was made in. */
async function exportedGrant(): Promise<Exported> {
  const source = await connectedToUpstream(upstream());
  const { tokens } = await storedTokens(source.id, 'beta');
  await world.table.client.send(
    new DeleteCommand({
      TableName: world.table.tableName,
      Key: { pk: installationPk(source.id), sk: accountSk({ integration: 'beta', account: 'default' }) },
    }),
  );
  if (tokens?.refreshToken === undefined) throw new Error('the source grant has no refresh token');
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

const target = () => createInstallation({ iparams: { upstream: upstream().host } });

async function importInto(id: string, body: unknown, integration = 'beta', key = ADMIN) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(key),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function invokeMe(id: string, key: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/invoke`, {
    method: 'POST',
    headers: bearer(key),
    body: JSON.stringify({ template: 'me' }),
  });
  return (await response.json()) as { status: number; response: string };
}

const refreshCalls = async () =>
  ofEndpoint(await world.oauth.received(), 'token').filter(
    (request) => request.form.grant_type === 'refresh_token',
  );

const accountItems = async (id: string) =>
  (await partition(id)).filter((item) => String(item.sk).startsWith('ACCOUNT#'));

type Deliver = (event: unknown, context: Context) => Promise<unknown>;

async function deliveredTo(installationId: string) {
  const { handler } = (await import('../../functions/deliver')) as unknown as { handler: Deliver };
  await handler(loadEvent('deliver.json'), lambdaContext('handshake-test-deliver'));
  return receiver.received.filter((received) => received.event.installation === installationId);
}

async function runSweep(): Promise<{ outcomes: Record<string, number> }> {
  const { handler } = (await import('../../functions/refresh')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<{ outcomes: Record<string, number> }>;
  };
  return handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-refresh'),
  );
}

describe('POST /installations/{id}/integrations/{name}/import', () => {
  it('stores a real grant sealed, which invoke uses at once, GET shows, and the app is told was imported', async () => {
    const grant = await exportedGrant();
    const installation = await target();
    await world.oauth.clearReceived();

    const imported = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_in: 3600,
      scope: 'tickets.read contacts',
      token_type: 'Bearer',
    });

    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({
      outcome: 'imported',
      replaced: false,
      account: { account: 'default', status: 'authorized', scope: 'tickets.read contacts' },
    });
    expect(await refreshCalls()).toEqual([]);
    const invoked = await invokeMe(installation.id, installation.apiKey);
    expect(invoked.status).toBe(200);
    const sent = upstream().requests.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${grant.accessToken}`);
    const [shown] = await accountsOf(installation.id, 'beta');
    expect(shown).toMatchObject({ account: 'default', status: 'authorized', scope: 'tickets.read contacts' });
    expect(Date.parse(shown?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 3000_000);
    const items = JSON.stringify(await accountItems(installation.id));
    expect(items).not.toContain(grant.accessToken);
    expect(items).not.toContain(grant.refreshToken);
    const events = await deliveredTo(installation.id);
    expect(events.map((received) => received.event.type)).toEqual(['account.authorized']);
    expect(events[0]?.event.data).toMatchObject({ imported: true, reauthorization: false });
    expect(events[0]?.raw).not.toContain(grant.accessToken);
  }, 90_000);

  it('an imported grant whose access token expired is refreshed and rotated by the sweep, then by refresh-now', async () => {
    const grant = await exportedGrant();
    const installation = await target();
    const imported = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(imported.status).toBe(200);
    await world.oauth.clearReceived();

    const report = await runSweep();

    expect(report.outcomes.refreshed).toBeGreaterThanOrEqual(1);
    expect((await refreshCalls()).map((call) => call.form.refresh_token)).toContain(grant.refreshToken);
    const swept = await storedTokens(installation.id, 'beta');
    expect(swept.tokens?.refreshToken).not.toBe(grant.refreshToken);
    expect(swept.tokens?.accessToken).not.toBe(grant.accessToken);
    expect(swept.item.lastRefreshedAt).toBeDefined();

    const now = await fetch(`${world.api.url}/installations/${installation.id}/integrations/beta/refresh`, {
      method: 'POST',
      headers: bearer(ADMIN),
      body: '{}',
    });
    expect(await now.json()).toMatchObject({ outcome: 'refreshed' });
    const rotated = await storedTokens(installation.id, 'beta');
    expect(rotated.tokens?.refreshToken).not.toBe(swept.tokens?.refreshToken);
    const invoked = await invokeMe(installation.id, installation.apiKey);
    expect(invoked.status).toBe(200);
    expect(upstream().requests.at(-1)?.headers.authorization).toBe(`Bearer ${rotated.tokens?.accessToken}`);
  }, 90_000);

  it('validate "refresh" refreshes once before answering and stores the refreshed grant, over the one there', async () => {
    const first = await exportedGrant();
    const installation = await target();
    expect((await importInto(installation.id, { access_token: first.accessToken })).status).toBe(200);
    const grant = await exportedGrant();
    await world.oauth.clearReceived();

    const validated = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_in: 3600,
      validate: 'refresh',
    });

    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ outcome: 'refreshed', replaced: true });
    const calls = await refreshCalls();
    expect(calls.map((call) => call.form.refresh_token)).toEqual([grant.refreshToken]);
    const stored = await storedTokens(installation.id, 'beta');
    expect(stored.tokens?.refreshToken).not.toBe(grant.refreshToken);
    expect(stored.tokens?.accessToken).not.toBe(grant.accessToken);
    expect((await invokeMe(installation.id, installation.apiKey)).status).toBe(200);
    const events = await deliveredTo(installation.id);
    // Delivered in parallel: in either order.
    const data = events.map((received) => received.event.data);
    expect(data).toHaveLength(2);
    expect(data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ imported: true, reauthorization: false }),
        expect.objectContaining({ imported: true, reauthorization: true }),
      ]),
    );
  }, 90_000);

  it('validate "refresh" with a provider that does not rotate keeps the imported refresh token and scope', async () => {
    const installation = await target();
    await world.oauth.failTokenEndpoint({
      status: 200,
      body: { access_token: 'at-from-a-non-rotating-provider', token_type: 'Bearer', expires_in: 600 },
      times: 1,
    });

    const validated = await importInto(installation.id, {
      access_token: 'at-old-1',
      refresh_token: 'rt-kept-1',
      scope: 'tickets.read',
      validate: 'refresh',
    });

    expect(validated.body).toMatchObject({ outcome: 'refreshed', account: { scope: 'tickets.read' } });
    const stored = await storedTokens(installation.id, 'beta');
    expect(stored.tokens).toMatchObject({
      accessToken: 'at-from-a-non-rotating-provider',
      refreshToken: 'rt-kept-1',
    });
    expect(stored.item.expiresAt).toBeGreaterThan(Date.now() + 500_000);
  }, 90_000);

  it('validate "refresh" with a provider outage answers 503 and stores nothing', async () => {
    const grant = await exportedGrant();
    const installation = await target();
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });

    const refused = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      validate: 'refresh',
    });

    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await accountItems(installation.id)).toEqual([]);
  }, 90_000);

  it('validate "refresh" refused for the client, not the grant (invalid_client), says so and stores nothing', async () => {
    const installation = await target();
    await world.oauth.failTokenEndpoint({ status: 401, body: { error: 'invalid_client' }, times: 1 });

    const refused = await importInto(installation.id, {
      access_token: 'at-old-2',
      refresh_token: 'rt-old-2',
      validate: 'refresh',
    });

    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      details: [
        {
          field: 'validate',
          message: expect.stringContaining("invalid_client); check the integration's client"),
        },
      ],
    });
    expect(await accountItems(installation.id)).toEqual([]);
  }, 90_000);

  it('keeps the oauth_iparams as the connect form would, for the refreshes to come', async () => {
    const installation = await target();
    const imported = await importInto(
      installation.id,
      { access_token: 'at-acme-1', refresh_token: 'rt-acme-1', oauth_iparams: { tenant: ' t1 ', note: '' } },
      'acme',
    );
    expect(imported.status).toBe(200);
    const stored = await storedTokens(installation.id, 'acme');
    expect(stored.tokens).toEqual({
      accessToken: 'at-acme-1',
      refreshToken: 'rt-acme-1',
      oauthIparams: { tenant: 't1' },
    });
    expect(JSON.stringify(stored.item)).not.toContain('t1"');
  }, 90_000);

  it('refuses each bad import with a clear error and stores nothing', async () => {
    const grant = { accessToken: 'at-never-stored-1', refreshToken: 'rt-never-stored-1' };
    const installation = await target();
    const future = Math.floor(Date.now() / 1000) + 3600;
    const cases: Array<[string, unknown, string, number, string]> = [
      [
        'an unknown field',
        { access_token: grant.accessToken, refresh: 'x' },
        'beta',
        400,
        'refresh: unknown field',
      ],
      ['an empty access token', { access_token: '' }, 'beta', 400, 'access_token: must not be empty'],
      ['a blank access token', { access_token: '   ' }, 'beta', 400, 'access_token: must not be empty'],
      ['no access token', { refresh_token: grant.refreshToken }, 'beta', 400, 'access_token: required'],
      [
        'an expiry in the past without a refresh token',
        { access_token: grant.accessToken, expires_at: Math.floor(Date.now() / 1000) - 10 },
        'beta',
        400,
        'there is no refresh_token',
      ],
      [
        'both expiries',
        { access_token: grant.accessToken, expires_at: future, expires_in: 60 },
        'beta',
        400,
        'not both',
      ],
      [
        'a local time',
        { access_token: grant.accessToken, expires_at: '2030-01-01T10:00:00' },
        'beta',
        400,
        'expires_at',
      ],
      [
        'validate refresh without a refresh token',
        { access_token: grant.accessToken, validate: 'refresh' },
        'beta',
        400,
        '"refresh" needs a refresh_token',
      ],
      ['an unknown validate', { access_token: grant.accessToken, validate: 'call' }, 'beta', 400, 'validate'],
      ['an unknown integration', { access_token: grant.accessToken }, 'nope', 404, 'does not exist'],
      [
        'an agent-level integration without an account',
        { access_token: grant.accessToken },
        'crew',
        400,
        'agent-level',
      ],
      [
        'a field the integration does not keep',
        { access_token: grant.accessToken, extra: { instance_url: 'https://x.example' } },
        'beta',
        400,
        'extra.instance_url',
      ],
      [
        'an oauth_iparam the integration has not',
        { access_token: grant.accessToken, oauth_iparams: { tenant: 't1', shard: 'x' } },
        'acme',
        400,
        'oauth_iparams.shard',
      ],
      [
        'a required oauth_iparam missing',
        { access_token: grant.accessToken, oauth_iparams: {} },
        'acme',
        400,
        'oauth_iparams.tenant',
      ],
      [
        'an oauth_iparam that would redirect the token URL',
        { access_token: grant.accessToken, oauth_iparams: { tenant: 'evil.example/x?' } },
        'acme',
        400,
        'oauth_iparams.tenant',
      ],
      [
        'a bad account label',
        { access_token: grant.accessToken, account: 'a b#c' },
        'beta',
        400,
        'account must be',
      ],
      ['an array body', [], 'beta', 400, 'Invalid grant import'],
      ['a body that is not JSON', 'access_token=x', 'beta', 400, ''],
    ];
    for (const [what, body, integration, status, says] of cases) {
      const refused = await importInto(installation.id, body, integration);
      expect({ what, status: refused.status }).toEqual({ what, status });
      expect({ what, message: (refused.body.error as { message: string }).message }).toEqual({
        what,
        message: expect.stringContaining(says),
      });
    }
    const forbidden = await importInto(
      installation.id,
      { access_token: grant.accessToken },
      'beta',
      installation.apiKey,
    );
    expect(forbidden.status).toBe(403);
    expect(await accountItems(installation.id)).toEqual([]);

    const deleted = await target();
    const gone = await fetch(`${world.api.url}/installations/${deleted.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(gone.status).toBe(204);
    const late = await importInto(deleted.id, { access_token: grant.accessToken });
    expect(late.status).toBe(404);
    expect(await partition(deleted.id)).toEqual([]);
  }, 90_000);

  it('validate "refresh" with a revoked refresh token refuses with 400 and stores nothing', async () => {
    const grant = await exportedGrant();
    const installation = await target();
    await world.oauth.revokeAllGrants();
    await world.oauth.clearReceived();

    const refused = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      validate: 'refresh',
    });

    expect(refused.status).toBe(400);
    expect((refused.body.error as { message: string }).message).toContain(
      'the provider refused it (invalid_grant',
    );
    expect(JSON.stringify(refused.body)).not.toContain(grant.refreshToken);
    expect((await refreshCalls()).map((call) => call.form.refresh_token)).toEqual([grant.refreshToken]);
    expect(await accountItems(installation.id)).toEqual([]);
    expect(await deliveredTo(installation.id)).toEqual([]);
  }, 90_000);
});

describe('an import validated by one call of a request template', () => {
  it('calls the template once with the imported token, then stores the grant as given and tells the app', async () => {
    // Prepare
    const grant = await exportedGrant();
    const installation = await target();
    await world.oauth.clearReceived();
    const before = upstream().requests.length;
    // Act
    const imported = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_in: 3600,
      validate: { template: 'me' },
    });
    // Assess
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ outcome: 'validated', account: { status: 'authorized' } });
    const calls = upstream().requests.slice(before);
    expect(calls.map((call) => [call.url, call.headers.authorization])).toEqual([
      ['/me', `Bearer ${grant.accessToken}`],
    ]);
    expect(await refreshCalls()).toEqual([]);
    const { tokens } = await storedTokens(installation.id, 'beta');
    expect(tokens).toMatchObject({ accessToken: grant.accessToken, refreshToken: grant.refreshToken });
    const events = await deliveredTo(installation.id);
    expect(events.map((received) => received.event.type)).toEqual(['account.authorized']);
    expect(events[0]?.event.data).toMatchObject({ imported: true });
    expect((await invokeMe(installation.id, installation.apiKey)).status).toBe(200);
  }, 90_000);

  it('refuses a token the provider refuses (401) with 400, storing nothing and telling no one', async () => {
    // Prepare
    const grant = await exportedGrant();
    const installation = await target();
    upstream().rejectAlways(grant.accessToken);
    // Act
    const refused = await importInto(installation.id, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      validate: { template: 'me' },
    });
    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect((refused.body.error as { message: string }).message).toContain(
      'access_token: the provider refused it (template "me" answered 401); nothing was stored',
    );
    expect(JSON.stringify(refused.body)).not.toContain(grant.accessToken);
    expect(await accountItems(installation.id)).toEqual([]);
    expect(await deliveredTo(installation.id)).toEqual([]);
  }, 90_000);

  it.each([
    ['a 503', '503', 503, 'SERVICE_UNAVAILABLE', 'answered 503); nothing was stored, try again'],
    ['a 429', '429', 503, 'SERVICE_UNAVAILABLE', 'answered 429); nothing was stored, try again'],
    ['a 404', '404', 400, 'INVALID_REQUEST', 'answered 404, which is no success'],
  ])(
    'refuses a grant whose call answers %s, storing nothing',
    async (_name, status, http, code, said) => {
      // Prepare
      const installation = await target();
      const id = `import-${status}-${Date.now()}?status=${status}`;
      const before = upstream().requests.length;
      // Act
      const refused = await importInto(installation.id, {
        access_token: 'at-import-checked',
        validate: { template: 'limitedBeta', context: { id } },
      });
      // Assess
      expect(refused.status).toBe(http);
      expect(refused.body).toMatchObject({ error: { code } });
      expect((refused.body.error as { message: string }).message).toContain(said);
      const calls = upstream().requests.slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.headers.authorization).toBe('Bearer at-import-checked');
      expect(await accountItems(installation.id)).toEqual([]);
    },
    90_000,
  );

  it('answers 503 when the API cannot be reached, storing nothing', async () => {
    // Prepare: nothing listens on port 9 of this machine.
    const installation = await createInstallation({ iparams: { upstream: '127.0.0.1:9' } });
    // Act
    const refused = await importInto(installation.id, {
      access_token: 'at-import-unreachable',
      validate: { template: 'me' },
    });
    // Assess
    expect(refused.status).toBe(503);
    expect((refused.body.error as { message: string }).message).toContain(
      'The call that validates this grant did not complete',
    );
    expect(await accountItems(installation.id)).toEqual([]);
  }, 90_000);

  it('refuses a call that cannot validate before sending anything', async () => {
    // Prepare
    const installation = await target();
    const before = upstream().requests.length;
    const past = Math.floor(Date.now() / 1000) - 60;
    const cases: Array<[unknown, string]> = [
      [{ template: 'nope' }, 'validate.template: no declared request template "nope"'],
      [{ template: 'broken' }, 'validate.template: "broken" does not use integration "beta"'],
      [{ template: 'crewMe' }, 'validate.template: "crewMe" does not use integration "beta"'],
      [{ template: '' }, 'validate'],
      [{ template: 'me', extra: 1 }, 'validate'],
      [{ template: 'limitedBeta', context: { id: '../../admin' } }, 'schema.path rendered to'],
    ];
    // Act
    const answers = await Promise.all(
      cases.map(([validate]) => importInto(installation.id, { access_token: 'at-never-sent', validate })),
    );
    const expired = await importInto(installation.id, {
      access_token: 'at-never-sent',
      refresh_token: 'rt-never-sent',
      expires_at: past,
      validate: { template: 'me' },
    });
    // Assess
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(400);
      expect((answer.body.error as { message: string }).message).toContain(cases[index]?.[1]);
    }
    expect(expired.status).toBe(400);
    expect((expired.body.error as { message: string }).message).toContain(
      'the access token has expired, so a call cannot validate it',
    );
    expect(upstream().requests.slice(before)).toEqual([]);
    expect(await accountItems(installation.id)).toEqual([]);
  }, 90_000);
});
