import type { AccountRecord } from '../../lib/accounts/record';
import { invokeRequest } from '../../lib/api/invoke';
import { responseCacheAad } from '../../lib/crypto/aad';
import { createCipher } from '../../lib/crypto/cipher';
import { parseKeyRing } from '../../lib/crypto/keyring';
import type { Sealed } from '../../lib/crypto/sealed';
import { InvalidInputError, UnavailableError } from '../../lib/errors';
import type { HttpRequest } from '../../lib/http/request';
import {
  type CachePlan,
  cachePlan,
  DEFAULT_CACHE_TTL_MS,
  isServable,
  MAX_CACHE_TTL_MS,
  MAX_CACHED_ENVELOPE_BYTES,
  ResponseCache,
  requestHash,
  storable,
} from '../../lib/invoke/response-cache';
import type { CachedResponse, InstallationRecord, ResponseCacheStore } from '../../lib/store/ports';
import { vaultFrom } from '../../lib/tokens/vault';

const RING = '{"current":"k1","k1":"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ12"}';
const vault = vaultFrom(createCipher(parseKeyRing(RING)));

const INSTALLATION: InstallationRecord = {
  id: 'in_abcdefghijklmnopqrst',
  keyHash: 'ab'.repeat(32),
  iparams: {},
  secureIparams: undefined,
  secureIparamNames: [],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const KEY = { installationId: INSTALLATION.id, integration: 'beta', account: 'default' };
const account = (authorizedAt: string, status: AccountRecord['status'] = 'authorized') =>
  ({ ...KEY, status, authorizedAt, version: 1, updatedAt: authorizedAt }) as unknown as AccountRecord;

const TOKEN = 'at-secret-9f8e7d';
const REQUEST = {
  method: 'GET' as const,
  url: 'https://api.example.com/me?x=1',
  headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': 'key-secret-123' },
};
const ENVELOPE = { status: 200, headers: { 'x-a': 'b' }, response: '{"name":"ada"}', attempts: 1 };

function memoryStore(): ResponseCacheStore & { items: Map<string, CachedResponse>; fail?: boolean } {
  const items = new Map<string, CachedResponse>();
  const store = {
    items,
    fail: false,
    async get(installationId: string, hash: string) {
      if (store.fail) throw new UnavailableError('down');
      return items.get(`${installationId}/${hash}`);
    },
    async put(entry: CachedResponse) {
      if (store.fail) throw new UnavailableError('down');
      items.set(`${entry.installationId}/${entry.requestHash}`, entry);
    },
  };
  return store;
}

function cacheAt(start = 1_000_000) {
  const clock = { now: start };
  const store = memoryStore();
  const cache = new ResponseCache({ store, vault: async () => vault, now: () => clock.now });
  return { clock, store, cache };
}

const planFor = (authorizedAt = '2026-02-01T00:00:00.000Z', ttl?: number) =>
  cachePlan({ cache: true, ttl }, 'GET', INSTALLATION, {
    key: KEY,
    record: account(authorizedAt),
  }) as CachePlan;

describe('cachePlan: what is cached', () => {
  it('caches a GET with cache: true, for FDK default ttl unless asked otherwise', () => {
    expect(planFor().ttlMs).toBe(DEFAULT_CACHE_TTL_MS);
    expect(DEFAULT_CACHE_TTL_MS).toBe(60_000);
    expect(planFor(undefined, 5_000).ttlMs).toBe(5_000);
  });

  it.each([
    ['cache absent', {}, 'GET'],
    ['cache false', { cache: false, ttl: 5000 }, 'GET'],
    ['a POST', { cache: true }, 'POST'],
    ['a PUT', { cache: true }, 'PUT'],
    ['a DELETE', { cache: true }, 'DELETE'],
  ])('caches nothing for %s', (_what, options, method) => {
    expect(cachePlan(options, method, INSTALLATION, undefined)).toBeUndefined();
  });

  it('caches nothing for an account whose grant is dead or that does not exist', () => {
    const dead = { key: KEY, record: account('2026-02-01T00:00:00.000Z', 'reauthorization_required') };
    expect(cachePlan({ cache: true }, 'GET', INSTALLATION, dead)).toBeUndefined();
    expect(cachePlan({ cache: true }, 'GET', INSTALLATION, { key: KEY, record: undefined })).toBeUndefined();
  });

  it('names the grant by the last handshake, so a reconnect changes it', () => {
    expect(planFor('2026-02-01T00:00:00.000Z').grant).not.toBe(planFor('2026-02-02T00:00:00.000Z').grant);
    const other = cachePlan({ cache: true }, 'GET', { ...INSTALLATION, createdAt: '2026-01-02' }, undefined);
    expect(other?.grant).not.toBe(cachePlan({ cache: true }, 'GET', INSTALLATION, undefined)?.grant);
  });
});

describe('requestHash', () => {
  it('is the same for the same request, whatever the order of its headers', () => {
    const reordered = {
      ...REQUEST,
      headers: { 'X-Api-Key': 'key-secret-123', Authorization: `Bearer ${TOKEN}` },
    };
    expect(requestHash(KEY, reordered)).toBe(requestHash(KEY, REQUEST));
    expect(requestHash(KEY, REQUEST)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another URL', { ...REQUEST, url: 'https://api.example.com/me?x=2' }, KEY],
    ['another header value', { ...REQUEST, headers: { ...REQUEST.headers, 'X-Api-Key': 'other' } }, KEY],
    ['another token', { ...REQUEST, headers: { ...REQUEST.headers, Authorization: 'Bearer other' } }, KEY],
    ['a body', { ...REQUEST, body: '{}' }, KEY],
    ['another account', REQUEST, { ...KEY, account: 'second' }],
    ['no account', REQUEST, undefined],
  ])('differs for %s', (_what, request, key) => {
    expect(requestHash(key, request)).not.toBe(requestHash(KEY, REQUEST));
  });
});

describe('isServable and storable', () => {
  const entry = (over: Partial<CachedResponse>): CachedResponse => ({
    installationId: INSTALLATION.id,
    requestHash: 'h',
    grant: planFor().grant,
    expiresAt: 2_000,
    envelope: 'x' as Sealed,
    ...over,
  });

  it('serves an entry of the current grant within its ttl only', () => {
    expect(isServable(entry({}), planFor(), 1_999)).toBe(true);
    expect(isServable(entry({}), planFor(), 2_000)).toBe(false);
    expect(isServable(entry({}), planFor('2026-03-01T00:00:00.000Z'), 1_000)).toBe(false);
    expect(isServable(entry({ expiresAt: 1_000 + MAX_CACHE_TTL_MS + 1 }), planFor(), 1_000)).toBe(false);
  });

  it('stores 2xx answers that fit an item, nothing else', () => {
    expect(storable(ENVELOPE)).toBe(JSON.stringify(ENVELOPE));
    expect(storable({ ...ENVELOPE, status: 204 })).toBeDefined();
    for (const status of [199, 301, 304, 404, 429, 500])
      expect(storable({ ...ENVELOPE, status })).toBeUndefined();
    const room = MAX_CACHED_ENVELOPE_BYTES - JSON.stringify({ ...ENVELOPE, response: '' }).length;
    expect(storable({ ...ENVELOPE, response: 'a'.repeat(room) })).toBeDefined();
    expect(storable({ ...ENVELOPE, response: 'a'.repeat(room + 1) })).toBeUndefined();
  });

  it('keeps the largest stored envelope, sealed, well inside a 400 KB DynamoDB item', () => {
    const room = MAX_CACHED_ENVELOPE_BYTES - JSON.stringify({ ...ENVELOPE, response: '' }).length;
    const text = storable({ ...ENVELOPE, response: 'a'.repeat(room) }) ?? '';
    const sealed = vault.seal(text, responseCacheAad(INSTALLATION.id, 'f'.repeat(64), planFor().grant, 1));
    // Key, grant, expiry and ttl add well under 1 KB.
    expect(Buffer.byteLength(sealed) + 1024).toBeLessThan(400 * 1024);
  });
});

describe('ResponseCache', () => {
  it('answers an identical request from what it kept, until the ttl ends', async () => {
    const { clock, cache } = cacheAt();
    const plan = planFor(undefined, 10_000);
    expect(await cache.find(plan, REQUEST)).toBeUndefined();
    await cache.keep(plan, REQUEST, ENVELOPE);
    clock.now += 9_999;
    expect(await cache.find(plan, REQUEST)).toEqual(ENVELOPE);
    clock.now += 1;
    expect(await cache.find(plan, REQUEST)).toBeUndefined();
  });

  it('does not serve an answer after a reconnect (a new grant) or to another request', async () => {
    const { cache } = cacheAt();
    await cache.keep(planFor(), REQUEST, ENVELOPE);
    expect(await cache.find(planFor('2026-02-09T00:00:00.000Z'), REQUEST)).toBeUndefined();
    expect(await cache.find(planFor(), { ...REQUEST, url: `${REQUEST.url}&y=2` })).toBeUndefined();
  });

  it('stores no plaintext: not the body, a header, the token or the URL', async () => {
    const { store, cache } = cacheAt();
    await cache.keep(planFor(), REQUEST, { ...ENVELOPE, headers: { 'set-cookie': 'sid=cookie-secret' } });
    const [stored] = [...store.items.values()];
    const text = JSON.stringify(stored);
    for (const secret of ['ada', 'cookie-secret', TOKEN, 'key-secret-123', 'api.example.com'])
      expect(text).not.toContain(secret);
    expect(stored?.envelope).toMatch(/^v1\.k1\./);
  });

  it('does not open an entry whose expiry was altered in storage (the seal binds it)', async () => {
    const { store, cache } = cacheAt();
    const plan = planFor();
    await cache.keep(plan, REQUEST, ENVELOPE);
    const [key, stored] = [...store.items.entries()][0] ?? [];
    if (key === undefined || stored === undefined) throw new Error('nothing stored');
    store.items.set(key, { ...stored, expiresAt: stored.expiresAt + 1 });
    expect(await cache.find(plan, REQUEST)).toBeUndefined();
  });

  it('keeps nothing for a plan-less call, a non-2xx answer or one over the size limit', async () => {
    const { store, cache } = cacheAt();
    await cache.keep(undefined, REQUEST, ENVELOPE);
    await cache.keep(planFor(), REQUEST, { ...ENVELOPE, status: 500 });
    await cache.keep(planFor(), REQUEST, { ...ENVELOPE, response: 'a'.repeat(MAX_CACHED_ENVELOPE_BYTES) });
    expect(store.items.size).toBe(0);
  });

  it('is a miss, not a failure, when storage fails', async () => {
    const { store, cache } = cacheAt();
    store.fail = true;
    await expect(cache.keep(planFor(), REQUEST, ENVELOPE)).resolves.toBeUndefined();
    await expect(cache.find(planFor(), REQUEST)).resolves.toBeUndefined();
  });
});

describe('the invoke body: cache and ttl', () => {
  const request = (body: unknown) =>
    ({ headers: {}, rawBody: JSON.stringify(body) }) as unknown as HttpRequest;

  it('accepts FDK cache and ttl', () => {
    expect(invokeRequest(request({ template: 'me', cache: true, ttl: 5000 }))).toMatchObject({
      cache: true,
      ttl: 5000,
    });
  });

  it.each([
    ['ttl', { template: 'me', cache: true, ttl: 0 }],
    ['ttl', { template: 'me', cache: true, ttl: MAX_CACHE_TTL_MS + 1 }],
    ['ttl', { template: 'me', cache: true, ttl: 1.5 }],
    ['ttl', { template: 'me', cache: true, ttl: '60000' }],
    ['cache', { template: 'me', cache: 'yes' }],
  ])('refuses a bad %s, naming it', (field, body) => {
    let error: unknown;
    try {
      invokeRequest(request(body));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(`${field}:`);
  });
});
