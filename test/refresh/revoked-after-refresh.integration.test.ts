/**
 * A grant revoked right after a refresh is seen at once: no time window hides it. Real
 * handshakes in Chromium against oidc-provider (rotating refresh tokens), a real upstream that
 * checks the token at the provider, the deliver function posting to a real receiver.
 */
import type { Context } from 'aws-lambda';
import { useUpstream } from '../invoke/support/invoke-api';
import { lambdaContext, loadEvent } from '../support/events';
import { ADMIN, accountsOf, bearer, ofEndpoint, storedTokens, useHarness, world } from '../support/harness';
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

type Deliver = (event: unknown, context: Context) => Promise<unknown>;

/** One run of the deliver schedule: every due event goes to the receiver. */
async function deliverDue(): Promise<void> {
  const { handler } = (await import('../../functions/deliver')) as unknown as { handler: Deliver };
  await handler(loadEvent('deliver.json'), lambdaContext('handshake-test-deliver'));
}

/** The types of the events the receiver got for `installationId` after one delivery run. */
async function deliveredTypes(installationId: string): Promise<string[]> {
  await deliverDue();
  return receiver.received
    .filter((received) => received.event.installation === installationId)
    .map((received) => received.event.type);
}

const refreshCalls = async () =>
  ofEndpoint(await world.oauth.received(), 'token').filter(
    (request) => request.form.grant_type === 'refresh_token',
  );

const adminRefresh = (id: string) =>
  fetch(`${world.api.url}/installations/${id}/integrations/beta/refresh`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: '{}',
  });

const invoke = async (id: string, key: string) => {
  const response = await fetch(`${world.api.url}/installations/${id}/invoke`, {
    method: 'POST',
    headers: bearer(key),
    body: JSON.stringify({ template: 'me' }),
  });
  return { http: response.status, envelope: (await response.json()) as Record<string, unknown> };
};

describe('a grant revoked within a second of a refresh', () => {
  it('the admin refresh answers dead, then the account needs reauthorization and the app is told', async () => {
    const installation = await connectedToUpstream(upstream());
    const first = await adminRefresh(installation.id);
    expect(await first.json()).toMatchObject({ outcome: 'refreshed' });
    await world.oauth.clearReceived();
    receiver.clear();

    await world.oauth.revokeAllGrants();
    const dead = await adminRefresh(installation.id);

    expect(dead.status).toBe(200);
    expect(await dead.json()).toMatchObject({
      outcome: 'dead',
      account: { status: 'reauthorization_required' },
    });
    // It reached the provider: that is how it knows.
    expect(await refreshCalls()).toHaveLength(1);
    const [account] = await accountsOf(installation.id, 'beta');
    expect(account).toMatchObject({ status: 'reauthorization_required' });
    const invoked = await invoke(installation.id, installation.apiKey);
    expect(invoked.http).toBe(401);
    expect(invoked.envelope).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    expect(await deliveredTypes(installation.id)).toContain('account.reauthorization_required');
  }, 90_000);

  it('an invoke that meets the 401 refreshes at once, answers REAUTHORIZATION_REQUIRED, and the app is told', async () => {
    const installation = await connectedToUpstream(upstream());
    // Refreshed inline a moment ago (what once opened the 5-second "fresh enough" window).
    const first = await adminRefresh(installation.id);
    expect(await first.json()).toMatchObject({ outcome: 'refreshed' });
    const warm = await invoke(installation.id, installation.apiKey);
    expect(warm.envelope.status).toBe(200);
    await world.oauth.clearReceived();
    receiver.clear();

    await world.oauth.revokeAllGrants();
    const invoked = await invoke(installation.id, installation.apiKey);

    expect(invoked.http).toBe(401);
    expect(invoked.envelope).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    expect(await refreshCalls()).toHaveLength(1);
    const [account] = await accountsOf(installation.id, 'beta');
    expect(account).toMatchObject({ status: 'reauthorization_required' });
    const { item } = await storedTokens(installation.id, 'beta');
    expect(item.accessToken).toBeUndefined();
    expect(await deliveredTypes(installation.id)).toContain('account.reauthorization_required');
  }, 90_000);
});

describe('a burst of 401s', () => {
  it('50 concurrent invokes that all meet a 401 cost exactly one refresh, and all retry with the new token', async () => {
    const installation = await connectedToUpstream(upstream());
    const before = await storedTokens(installation.id, 'beta');
    upstream().rejectAlways(before.tokens?.accessToken ?? '');
    await world.oauth.clearReceived();
    const sent = upstream().requests.length;

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => invoke(installation.id, installation.apiKey)),
    );

    expect(await refreshCalls()).toHaveLength(1);
    expect(answers.map((answer) => answer.envelope.status)).toEqual(answers.map(() => 200));
    const after = await storedTokens(installation.id, 'beta');
    expect(after.tokens?.accessToken).not.toBe(before.tokens?.accessToken);
    const retried = upstream()
      .requests.slice(sent)
      .filter((request) => request.headers.authorization === `Bearer ${after.tokens?.accessToken}`);
    expect(retried).toHaveLength(50);
  }, 90_000);
});
