import { parseKeyRing } from '../../../lib/crypto/keyring';
import { ensureLocalSecrets } from '../../../tools/local/local-secrets';
import { memorySource } from '../../secrets/memory-source';

describe('ensureLocalSecrets', () => {
  it('creates the admin key, a key ring and a webhook signing secret on first start', async () => {
    // Prepare
    const store = memorySource();

    // Act
    const result = await ensureLocalSecrets(store);

    // Assess
    expect(result.created).toBe(true);
    expect(result.adminKey).toMatch(/^hsa_[A-Za-z0-9_-]{43}$/);
    expect(store.values.get('admin-key')).toBe(result.adminKey);
    expect(parseKeyRing(store.values.get('token-keys') ?? '').currentId).toBe('k1');
    expect(store.values.get('webhook-signing')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is idempotent: a second start writes nothing and returns the same admin key', async () => {
    // Prepare
    const store = memorySource();
    const first = await ensureLocalSecrets(store);
    const snapshot = new Map(store.values);
    store.puts.length = 0;

    // Act
    const second = await ensureLocalSecrets(store);

    // Assess
    expect(second).toEqual({ adminKey: first.adminKey, created: false });
    expect(store.puts).toEqual([]);
    expect(store.values).toEqual(snapshot);
  });

  it('stores a given admin key and replaces a different stored one, keeping the other secrets', async () => {
    // Prepare
    const store = memorySource();
    await ensureLocalSecrets(store);
    const ring = store.values.get('token-keys');

    // Act
    const result = await ensureLocalSecrets(store, { adminKey: 'my-local-admin-key' });

    // Assess
    expect(result).toEqual({ adminKey: 'my-local-admin-key', created: false });
    expect(store.values.get('admin-key')).toBe('my-local-admin-key');
    expect(store.values.get('token-keys')).toBe(ring);
  });

  it('does not rewrite a given admin key that is already stored', async () => {
    // Prepare
    const store = memorySource({ 'admin-key': 'given' });

    // Act
    await ensureLocalSecrets(store, { adminKey: 'given' });

    // Assess
    expect(store.puts.map((put) => put.name)).not.toContain('admin-key');
  });

  it('uses a given admin key on first start and does not report it as generated', async () => {
    // Prepare
    const store = memorySource();

    // Act
    const result = await ensureLocalSecrets(store, { adminKey: 'given' });

    // Assess
    expect(result).toEqual({ adminKey: 'given', created: false });
    expect(store.values.get('admin-key')).toBe('given');
  });

  it('refuses an empty given admin key', async () => {
    // Act / Assess
    await expect(ensureLocalSecrets(memorySource(), { adminKey: '  ' })).rejects.toThrow(/non-empty/);
  });

  it('stops on a stored key ring that is broken instead of overwriting it', async () => {
    // Prepare
    const store = memorySource({ 'token-keys': '{"current":"k2"}' });

    // Act / Assess
    await expect(ensureLocalSecrets(store)).rejects.toThrow(/Key ring/);
    expect(store.values.get('token-keys')).toBe('{"current":"k2"}');
  });
});
