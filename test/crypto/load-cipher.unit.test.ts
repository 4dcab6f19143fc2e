import { tokenAad } from '../../lib/crypto/aad';
import { CIPHER_MAX_AGE_MS, loadCipher } from '../../lib/crypto/index';
import { newKeyRing, rotateKeyRing } from '../../lib/crypto/keyring';
import { memorySource } from '../secrets/memory-source';

const aad = tokenAad('in_aaaaaaaaaaaaaaaaaaaa', 'github', 'default', 'access_token');

describe('loadCipher', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads token-keys once for calls within the max age', async () => {
    // Prepare
    const source = memorySource({ 'token-keys': newKeyRing() });

    // Act
    const [first, second] = await Promise.all([loadCipher(source), loadCipher(source)]);
    const third = await loadCipher(source);

    // Assess
    expect(source.gets).toHaveLength(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('picks up a rotation once the max age has passed', async () => {
    // Prepare: a cipher cached before the ring is rotated
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const ring = newKeyRing();
    const source = memorySource({ 'token-keys': ring });
    await loadCipher(source);
    source.values.set('token-keys', rotateKeyRing(ring));

    // Act
    const cached = await loadCipher(source);
    jest.setSystemTime(Date.now() + CIPHER_MAX_AGE_MS + 1);
    const reloaded = await loadCipher(source);

    // Assess
    expect(cached.encrypt('x', aad).startsWith('v1.k1.')).toBe(true);
    expect(reloaded.encrypt('x', aad).startsWith('v1.k2.')).toBe(true);
  });

  it('bypasses both caches when asked for a fresh ring', async () => {
    // Prepare
    const ring = newKeyRing();
    const source = memorySource({ 'token-keys': ring });
    await loadCipher(source);
    source.values.set('token-keys', rotateKeyRing(ring));

    // Act
    const fresh = await loadCipher(source, { fresh: true });

    // Assess
    expect(fresh.encrypt('x', aad).startsWith('v1.k2.')).toBe(true);
    expect(source.gets.at(-1)?.options).toEqual({ fresh: true });
  });

  it('names the missing secret and how to create it, and retries on the next call', async () => {
    // Prepare
    const source = memorySource();

    // Act
    const failure = loadCipher(source);

    // Assess
    await expect(failure).rejects.toThrow(/"token-keys" is missing.*npm start/);
    source.values.set('token-keys', newKeyRing());
    await expect(loadCipher(source)).resolves.toBeDefined();
    expect(source.gets).toHaveLength(2);
  });
});
