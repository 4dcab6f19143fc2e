/**
 * FDK's `cache` and `ttl` through the HTTP API, against a real upstream that records what it
 * received and tokens from a real OAuth server: an identical GET within ttl is answered from
 * the table, by any container; a reconnect, a disconnect, a changed or dead grant or a delete
 * is a miss at the very next invoke; what is stored is sealed; what does not fit is not stored.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_CACHED_ENVELOPE_BYTES } from '../../lib/invoke/response-cache';
import { accountSk, installationPk } from '../../lib/store/layout';
import {
  ADMIN,
  bearer,
  itemsOfKind,
  linkFor,
  personConnects,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { connectedToUpstream } from '../support/upstream-installation';
import { invokeContainer, invokeWith } from './support/containers';
import { type Envelope, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

const upstream = useUpstream();

const API_KEY = 'secret-api-key-cache-41';

/** An installation on the upstream, its beta account connected by `login` in Chromium. */
const connected = (login = 'alice') =>
  connectedToUpstream(upstream(), { login, iparams: { api_key: API_KEY } });

async function reconnect(id: string, login: string) {
  const { page } = await personConnects(await linkFor(id, { integration: 'beta' }), { login });
  await page.context().close();
}

/** The upstream requests made while `step` ran. */
async function sentDuring(step: () => Promise<unknown>): Promise<number> {
  const before = upstream().requests.length;
  await step();
  return upstream().requests.length - before;
}

const cachedEcho = (context: Record<string, string>, ttl?: number) => ({
  template: 'echo',
  context,
  cache: true,
  ...(ttl === undefined ? {} : { ttl }),
});

const cacheItems = (id: string) => itemsOfKind(id, 'CACHE#');

describe('invoke with cache: true', () => {
  let installation: { id: string; apiKey: string };
  beforeAll(async () => {
    installation = await connected();
  }, 60_000);

  it('answers a second identical GET within ttl from the cache, with the same envelope', async () => {
    const call = cachedEcho({ id: 'same-1', q: 'cached-query-value' });
    let first: Envelope | undefined;
    expect(
      await sentDuring(async () => {
        first = (await invoke(installation, call)).envelope;
      }),
    ).toBe(1);
    expect(first).toMatchObject({ status: 200, attempts: 1 });
    let second: Envelope | undefined;
    expect(
      await sentDuring(async () => {
        second = (await invoke(installation, call)).envelope;
      }),
    ).toBe(0);
    expect(second).toEqual(first);
  });

  it('is shared by every container', async () => {
    const [one, two] = [await invokeContainer(), await invokeContainer()];
    const call = cachedEcho({ id: 'shared-2' });
    expect(await sentDuring(() => invokeWith(one, installation.id, installation.apiKey, call))).toBe(1);
    let answer: Awaited<ReturnType<typeof invokeWith>> | undefined;
    expect(
      await sentDuring(async () => {
        answer = await invokeWith(two, installation.id, installation.apiKey, call);
      }),
    ).toBe(0);
    expect(answer?.body.status).toBe(200);
  });

  it('calls the upstream again once the ttl has passed', async () => {
    const call = cachedEcho({ id: 'ttl-3' }, 400);
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    expect(await sentDuring(() => invoke(installation, call))).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
  });

  it('misses for another context value, another rendered header, or without cache: true', async () => {
    const call = cachedEcho({ id: 'vary-4', q: 'a' });
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    expect(await sentDuring(() => invoke(installation, cachedEcho({ id: 'vary-4', q: 'b' })))).toBe(1);
    // context.trace renders into the X-Trace header only.
    expect(
      await sentDuring(() => invoke(installation, cachedEcho({ id: 'vary-4', q: 'a', trace: 't1' }))),
    ).toBe(1);
    expect(await sentDuring(() => invoke(installation, { ...call, cache: false }))).toBe(1);
    expect(await sentDuring(() => invoke(installation, call))).toBe(0);
  });

  it('sends a POST every time: cache: true on another method caches nothing', async () => {
    const call = { template: 'post', body: { a: 1 }, cache: true, ttl: 60_000 };
    for (let round = 0; round < 2; round++) {
      expect(
        await sentDuring(async () => {
          expect((await invoke(installation, call)).envelope.status).toBe(200);
        }),
      ).toBe(1);
    }
  });

  it('refuses a ttl out of bounds with nothing sent', async () => {
    for (const ttl of [0, 3_600_001, -5]) {
      let refused: Awaited<ReturnType<typeof invoke>> | undefined;
      expect(
        await sentDuring(async () => {
          refused = await invoke(installation, cachedEcho({ id: 'bad-ttl' }, ttl));
        }),
      ).toBe(0);
      expect(refused?.http).toBe(400);
      expect(refused?.envelope).toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });

  it('stores the answer sealed: no body, header, token or URL in the item, and a DynamoDB ttl', async () => {
    const own = await connected();
    const started = Date.now();
    const { envelope } = await invoke(own, cachedEcho({ id: 'sealed-5', q: 'plain-context-77' }, 30_000));
    expect(envelope.response).toContain('plain-context-77');
    const { tokens } = await storedTokens(own.id, 'beta');
    const items = await cacheItems(own.id);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(Object.keys(item ?? {}).sort()).toEqual(['envelope', 'expiresAt', 'grant', 'pk', 'sk', 'ttl']);
    const stored = JSON.stringify(item);
    for (const secret of [tokens?.accessToken ?? 'no token', API_KEY, 'plain-context-77', 'sealed-5'])
      expect(stored).not.toContain(secret);
    expect(String(item?.sk)).toMatch(/^CACHE#[0-9a-f]{64}$/);
    expect(String(item?.envelope)).toMatch(/^v1\./);
    const expiresAt = Number(item?.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(started + 30_000);
    expect(Number(item?.ttl)).toBe(Math.ceil(expiresAt / 1000));
  });

  it('answers a response over the size limit but does not store it', async () => {
    const own = await connected();
    const bytes = String(MAX_CACHED_ENVELOPE_BYTES + 1024);
    const call = { template: 'big', context: { bytes }, cache: true };
    const { envelope } = await invoke(own, call);
    expect(envelope.status).toBe(200);
    expect(envelope.response.length).toBe(Number(bytes));
    expect(await cacheItems(own.id)).toHaveLength(0);
    expect(await sentDuring(() => invoke(own, call))).toBe(1);
    // A small one of the same template is stored and served.
    const small = { template: 'big', context: { bytes: '2048' }, cache: true };
    expect(await sentDuring(() => invoke(own, small))).toBe(1);
    expect(await sentDuring(() => invoke(own, small))).toBe(0);
    expect(await cacheItems(own.id)).toHaveLength(1);
  });
});

describe('a cached answer never outlives the state it copies', () => {
  const call = cachedEcho({ id: 'revoked' }, 600_000);

  it('misses at the next invoke after a reconnect of the account', async () => {
    const installation = await connected('alice');
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    expect(await sentDuring(() => invoke(installation, call))).toBe(0);
    await reconnect(installation.id, 'bob');
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    const { tokens } = await storedTokens(installation.id, 'beta');
    expect(upstream().requests.at(-1)?.headers.authorization).toBe(`Bearer ${tokens?.accessToken}`);
  }, 90_000);

  it('misses when the grant changed even if the token did not (the entry is tied to authorizedAt)', async () => {
    const installation = await connected();
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    // As a reauthorization that the provider answered with the very same access token.
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: {
          pk: installationPk(installation.id),
          sk: accountSk({ integration: 'beta', account: 'default' }),
        },
        UpdateExpression: 'SET authorizedAt = :at, version = version + :one',
        ExpressionAttributeValues: { ':at': new Date().toISOString(), ':one': 1 },
      }),
    );
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    expect(await sentDuring(() => invoke(installation, call))).toBe(0);
  }, 90_000);

  it('is not served after DELETE of the account', async () => {
    const installation = await connected();
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    const deleted = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/beta/accounts/default`,
      { method: 'DELETE', headers: bearer(ADMIN) },
    );
    expect(deleted.status).toBe(204);
    let answer: Awaited<ReturnType<typeof invoke>> | undefined;
    expect(
      await sentDuring(async () => {
        answer = await invoke(installation, call);
      }),
    ).toBe(0);
    expect(answer?.http).toBe(401);
    expect(answer?.envelope).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    // Connected again: a new grant, so the old answer is not served either.
    await reconnect(installation.id, 'alice');
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
  }, 90_000);

  it('is removed with the installation: none of its cache items remain after DELETE', async () => {
    const installation = await connected();
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    expect(await sentDuring(() => invoke(installation, cachedEcho({ id: 'second' })))).toBe(1);
    expect(await cacheItems(installation.id)).toHaveLength(2);
    const deleted = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(deleted.status).toBe(204);
    expect(await cacheItems(installation.id)).toEqual([]);
    let answer: Awaited<ReturnType<typeof invoke>> | undefined;
    expect(
      await sentDuring(async () => {
        answer = await invoke(installation, call);
      }),
    ).toBe(0);
    expect(answer?.http).toBe(401);
  }, 90_000);

  // Last: it revokes every grant at the provider.
  it('is not served once the grant is found dead', async () => {
    const installation = await connected();
    expect(await sentDuring(() => invoke(installation, call))).toBe(1);
    await world.oauth.revokeAllGrants();
    const refreshed = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/beta/refresh`,
      {
        method: 'POST',
        headers: bearer(ADMIN),
        body: '{}',
      },
    );
    expect(await refreshed.json()).toMatchObject({ outcome: 'dead' });
    let answer: Awaited<ReturnType<typeof invoke>> | undefined;
    expect(
      await sentDuring(async () => {
        answer = await invoke(installation, call);
      }),
    ).toBe(0);
    expect(answer?.http).toBe(401);
    expect(answer?.envelope).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
  }, 90_000);

  // After the one above: it revokes every grant at the provider too. Each "container" is an
  // isolated module registry with its own wiring, as two warm Lambda containers are.
  it('in every container: a reconnect, a DELETE of the account and a dead grant are seen by the next invoke', async () => {
    const [one, two] = [await invokeContainer(), await invokeContainer()];
    const installation = await connected();
    const via = (container: typeof one) => () =>
      invokeWith(container, installation.id, installation.apiKey, call);
    const warm = async () => {
      expect(await sentDuring(via(one))).toBe(1);
      expect(await sentDuring(via(two))).toBe(0);
    };
    // A reconnect in between: the other container misses and asks the upstream.
    await warm();
    await reconnect(installation.id, 'bob');
    expect(await sentDuring(via(two))).toBe(1);
    // The other container now serves the new grant's entry; then the account is deleted, and
    // neither serves it.
    expect(await sentDuring(via(one))).toBe(0);
    const deleted = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/beta/accounts/default`,
      { method: 'DELETE', headers: bearer(ADMIN) },
    );
    expect(deleted.status).toBe(204);
    for (const container of [one, two]) {
      let answer: Awaited<ReturnType<typeof invokeWith>> | undefined;
      expect(
        await sentDuring(async () => {
          answer = await invokeWith(container, installation.id, installation.apiKey, call);
        }),
      ).toBe(0);
      expect([answer?.http, answer?.body.code]).toEqual([401, 'REAUTHORIZATION_REQUIRED']);
    }
    // Connected again, then the grant found dead by a refresh in this process.
    await reconnect(installation.id, 'alice');
    await warm();
    await world.oauth.revokeAllGrants();
    const refreshed = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/beta/refresh`,
      { method: 'POST', headers: bearer(ADMIN), body: '{}' },
    );
    expect(await refreshed.json()).toMatchObject({ outcome: 'dead' });
    for (const container of [one, two]) {
      let answer: Awaited<ReturnType<typeof invokeWith>> | undefined;
      expect(
        await sentDuring(async () => {
          answer = await invokeWith(container, installation.id, installation.apiKey, call);
        }),
      ).toBe(0);
      expect([answer?.http, answer?.body.code]).toEqual([401, 'REAUTHORIZATION_REQUIRED']);
    }
  }, 120_000);
});
