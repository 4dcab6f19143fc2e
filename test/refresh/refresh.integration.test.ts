/**
 * Refresh against a real authorization server: oidc-provider rotates the refresh token on
 * every use and revokes the whole grant when an old one is reused; its access tokens live a
 * few seconds here. Accounts are connected by a person in headless Chromium first.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { accountSk, installationPk, refreshShard, TABLE } from '../../lib/store/layout';
import { lambdaContext } from '../support/events';
import {
  ADMIN,
  accountsOf,
  bearer,
  createInstallation,
  linkFor,
  ofEndpoint,
  personConnects,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';

const ACCESS_TOKEN_SECONDS = 4;
useHarness({ accessTokenTtlSeconds: ACCESS_TOKEN_SECONDS });

interface SweepReport {
  due: number;
  itemsRead: number;
  outcomes: Record<string, number>;
}

async function runSweep(): Promise<SweepReport> {
  const { handler } = (await import('../../functions/refresh')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<SweepReport>;
  };
  return handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-refresh'),
  );
}

/** Sets when the sweep should refresh this account (the record and its index key together). */
async function dueAt(installationId: string, integration: string, account: string, at: number) {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: installationPk(installationId), sk: accountSk({ integration, account }) },
      UpdateExpression: 'SET refreshDueAt = :at, dueAt = :at',
      ExpressionAttributeValues: { ':at': at },
    }),
  );
}

async function connect(installationId: string, account: string, login = account) {
  const { page } = await personConnects(await linkFor(installationId, { integration: 'crew', account }), {
    login,
  });
  await page.context().close();
  return storedTokens(installationId, 'crew', account);
}

const refreshRequests = async () =>
  ofEndpoint(await world.oauth.received(), 'token').filter(
    (request) => request.form.grant_type === 'refresh_token',
  );

const works = async (accessToken: string | undefined) =>
  (await fetch(world.oauth.resourceUrl, { headers: { authorization: `Bearer ${accessToken}` } })).status ===
  200;

const FAR = () => Date.now() + 3600_000;

describe('the scheduled sweep', () => {
  it('refreshes exactly the tokens that are due, rotating their refresh tokens', async () => {
    const installation = await createInstallation();
    const before = {
      a1: await connect(installation.id, 'a1'),
      a2: await connect(installation.id, 'a2'),
      a3: await connect(installation.id, 'a3'),
    };
    await dueAt(installation.id, 'crew', 'a1', Date.now() - 1000);
    await dueAt(installation.id, 'crew', 'a2', Date.now() - 1000);
    await dueAt(installation.id, 'crew', 'a3', FAR());
    // Let the access tokens run out, so the refreshed ones are all that works.
    await new Promise((resolve) => setTimeout(resolve, ACCESS_TOKEN_SECONDS * 1000 + 500));
    expect(await works(before.a1.tokens?.accessToken)).toBe(false);
    await world.oauth.clearReceived();

    const report = await runSweep();

    expect(report.outcomes.refreshed).toBe(2);
    const requests = await refreshRequests();
    expect(requests.map((request) => request.form.refresh_token).sort()).toEqual(
      [before.a1.tokens?.refreshToken, before.a2.tokens?.refreshToken].sort(),
    );
    for (const account of ['a1', 'a2'] as const) {
      const after = await storedTokens(installation.id, 'crew', account);
      expect(after.tokens?.refreshToken).not.toBe(before[account].tokens?.refreshToken);
      expect(await works(after.tokens?.accessToken)).toBe(true);
      expect(after.item.lastRefreshedAt).toBeDefined();
      expect(after.item.leaseOwner).toBeUndefined();
      expect(after.item.refreshDueAt).toBeGreaterThan(Date.now() - 5000);
    }
    const untouched = await storedTokens(installation.id, 'crew', 'a3');
    expect(untouched.item.version).toBe(before.a3.item.version + 0);
    expect(untouched.item.lastRefreshedAt).toBeUndefined();
  }, 90_000);

  it('keeps an account authorized through a provider outage and retries it later', async () => {
    const installation = await createInstallation();
    const before = await connect(installation.id, 'outage');
    await dueAt(installation.id, 'crew', 'outage', Date.now() - 1000);
    await world.oauth.failTokenEndpoint({ status: 503 });

    const report = await runSweep();

    expect(report.outcomes.failed).toBeGreaterThanOrEqual(1);
    const failing = await storedTokens(installation.id, 'crew', 'outage');
    expect(failing.item.status).toBe('authorized');
    expect(failing.item.failureCount).toBe(1);
    expect(failing.item.lastError?.code).toBe('unavailable');
    expect(failing.item.refreshDueAt).toBeGreaterThan(Date.now() + 20_000);
    expect(failing.tokens?.refreshToken).toBe(before.tokens?.refreshToken);
    const [account] = (await accountsOf(installation.id, 'crew')).filter((a) => a.account === 'outage');
    expect(account?.status).toBe('authorized');

    // The provider is back; when the retry time comes the same refresh token still works.
    await world.oauth.failTokenEndpoint(null);
    await dueAt(installation.id, 'crew', 'outage', Date.now() - 1000);
    await runSweep();
    const recovered = await storedTokens(installation.id, 'crew', 'outage');
    expect(recovered.item.failureCount).toBe(0);
    expect(recovered.item.lastError).toBeUndefined();
    expect(await works(recovered.tokens?.accessToken)).toBe(true);
  }, 90_000);

  it('marks a revoked grant reauthorization_required and leaves it out of later sweeps', async () => {
    const installation = await createInstallation();
    await connect(installation.id, 'revoked');
    await world.oauth.revokeAllGrants();
    await dueAt(installation.id, 'crew', 'revoked', Date.now() - 1000);

    await runSweep();

    const dead = await storedTokens(installation.id, 'crew', 'revoked');
    expect(dead.item.status).toBe('reauthorization_required');
    expect(dead.item.accessToken).toBeUndefined();
    expect(dead.item.refreshToken).toBeUndefined();
    const [account] = await accountsOf(installation.id, 'crew');
    expect(account).toMatchObject({ status: 'reauthorization_required' });
    expect(JSON.stringify(account)).toContain('invalid_grant');
    // Out of the index: the next sweep does not even see it.
    const indexed = await world.table.client.send(
      new QueryCommand({
        TableName: world.table.tableName,
        IndexName: TABLE.dueIndex,
        KeyConditionExpression: 'dueShard = :shard',
        ExpressionAttributeValues: {
          ':shard': refreshShard({
            installationId: installation.id,
            integration: 'crew',
            account: 'revoked',
          }),
        },
      }),
    );
    expect((indexed.Items ?? []).filter((item) => item.pk === installationPk(installation.id))).toEqual([]);
    // Another sweep leaves it alone (other tests' accounts may still be due; this one is not).
    await runSweep();
    const untouched = await storedTokens(installation.id, 'crew', 'revoked');
    expect(untouched.item.version).toBe(dead.item.version);
    expect(untouched.item.status).toBe('reauthorization_required');
  }, 90_000);
});

describe('POST /installations/{id}/integrations/{name}/refresh', () => {
  it('answers 50 concurrent refreshes with refreshes that happened, joining the one in flight, and the grant stays usable', async () => {
    const installation = await createInstallation();
    const before = await connect(installation.id, 'busy');
    await world.oauth.clearReceived();
    const url = `${world.api.url}/installations/${installation.id}/integrations/crew/refresh`;

    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(url, { method: 'POST', headers: bearer(ADMIN), body: JSON.stringify({ account: 'busy' }) }),
      ),
    );

    // Each answer reports a refresh that reached the provider: its own, or the one in flight it
    // joined. So there are exactly as many provider calls as refreshes reported, and joining
    // kept them far below one per caller.
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{
      outcome: string;
      account: { lastRefreshedAt: string };
    }>;
    expect(bodies.every((body) => body.outcome === 'refreshed')).toBe(true);
    const reported = new Set(bodies.map((body) => body.account.lastRefreshedAt));
    const calls = await refreshRequests();
    expect(calls).toHaveLength(reported.size);
    expect(calls.length).toBeLessThan(25);
    // Never the same refresh token twice: a rotating provider would have revoked the grant.
    expect(new Set(calls.map((call) => call.form.refresh_token)).size).toBe(calls.length);
    const after = await storedTokens(installation.id, 'crew', 'busy');
    expect(after.tokens?.refreshToken).not.toBe(before.tokens?.refreshToken);
    expect(await works(after.tokens?.accessToken)).toBe(true);

    // The grant survived: the rotated refresh token is accepted (reuse would have revoked it).
    await dueAt(installation.id, 'crew', 'busy', Date.now() - 1000);
    await runSweep();
    const later = await storedTokens(installation.id, 'crew', 'busy');
    expect(later.item.status).toBe('authorized');
    expect(later.tokens?.refreshToken).not.toBe(after.tokens?.refreshToken);
    expect(await works(later.tokens?.accessToken)).toBe(true);
  }, 90_000);

  it('reaches the provider on every call, even two in a row within 5 s: no answer claims a refresh that did not happen', async () => {
    // Prepare
    const installation = await createInstallation();
    const before = await connect(installation.id, 'twice');
    await world.oauth.clearReceived();
    const refresh = async () => {
      const response = await fetch(
        `${world.api.url}/installations/${installation.id}/integrations/crew/refresh`,
        { method: 'POST', headers: bearer(ADMIN), body: JSON.stringify({ account: 'twice' }) },
      );
      return {
        status: response.status,
        body: (await response.json()) as { outcome: string; account: { lastRefreshedAt: string } },
      };
    };

    // Act: one after the other, well within the 5 s in which an old version answered from memory
    const started = Date.now();
    const first = await refresh();
    const second = await refresh();
    const elapsed = Date.now() - started;

    // Assess: two refreshes reported, each newer than what came before it
    expect(elapsed).toBeLessThan(5000);
    expect([first.status, first.body.outcome]).toEqual([200, 'refreshed']);
    expect([second.status, second.body.outcome]).toEqual([200, 'refreshed']);
    const firstAt = Date.parse(first.body.account.lastRefreshedAt);
    const secondAt = Date.parse(second.body.account.lastRefreshedAt);
    expect(before.item.lastRefreshedAt).toBeUndefined();
    expect(firstAt).toBeGreaterThanOrEqual(started);
    expect(secondAt).toBeGreaterThan(firstAt);
    // …and the provider saw exactly those two refresh-token grants, the second with the rotated token.
    const calls = await refreshRequests();
    expect(calls).toHaveLength(2);
    expect(calls[0]?.form.refresh_token).toBe(before.tokens?.refreshToken);
    expect(calls[1]?.form.refresh_token).not.toBe(calls[0]?.form.refresh_token);
    const after = await storedTokens(installation.id, 'crew', 'twice');
    expect(after.item.lastRefreshedAt).toBe(second.body.account.lastRefreshedAt);
    expect(await works(after.tokens?.accessToken)).toBe(true);
  }, 90_000);

  it('answers the new status, 404 where there is nothing to refresh, and dead at once after a revocation', async () => {
    const installation = await createInstallation();
    await connect(installation.id, 'manual');
    const refresh = (body: object, name = 'crew') =>
      fetch(`${world.api.url}/installations/${installation.id}/integrations/${name}/refresh`, {
        method: 'POST',
        headers: bearer(ADMIN),
        body: JSON.stringify(body),
      });
    const done = await refresh({ account: 'manual' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      outcome: 'refreshed',
      account: { account: 'manual', status: 'authorized', lastRefreshedAt: expect.any(String) },
    });
    expect((await refresh({ account: 'nobody' })).status).toBe(404);
    expect((await refresh({ account: 'manual' }, 'nope')).status).toBe(404);
    expect((await refresh({})).status).toBe(400);

    // Revoked right after that refresh: the next explicit refresh still reaches the provider.
    await world.oauth.clearReceived();
    await world.oauth.revokeAllGrants();
    const dead = await refresh({ account: 'manual' });
    expect(await dead.json()).toMatchObject({
      outcome: 'dead',
      account: { status: 'reauthorization_required' },
    });
    expect(await refreshRequests()).toHaveLength(1);
    // Dead stays dead, and asking again costs the provider nothing.
    const again = await refresh({ account: 'manual' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'dead' });
    expect(await refreshRequests()).toHaveLength(1);
  }, 90_000);
});
