import fc from 'fast-check';
import { tokenAad } from '../../lib/crypto/aad';
import { createCipher, DecryptError } from '../../lib/crypto/cipher';
import { newKeyRing, parseKeyRing, rotateKeyRing } from '../../lib/crypto/keyring';

const RING = '{"current":"k1","k1":"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ12"}';
const ownerA = tokenAad('in_aaaaaaaaaaaaaaaaaaaa', 'github', 'default', 'access_token');
const ownerB = tokenAad('in_bbbbbbbbbbbbbbbbbbbb', 'github', 'default', 'access_token');

function decryptError(run: () => unknown): DecryptError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptError) return error;
    throw error;
  }
  throw new Error('expected a DecryptError');
}

/** Flip one bit of the decoded ciphertext+tag and re-encode, so the change survives decoding. */
function tamper(ciphertext: string, byteIndex: number): string {
  const parts = ciphertext.split('.');
  const sealed = Buffer.from(parts[3] ?? '', 'base64url');
  const index = byteIndex < 0 ? sealed.length + byteIndex : byteIndex;
  sealed[index] = (sealed[index] ?? 0) ^ 0x01;
  return [...parts.slice(0, 3), sealed.toString('base64url')].join('.');
}

describe('createCipher', () => {
  it('round-trips a value and writes the v1.<kid>.<iv>.<sealed> format', () => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));

    // Act
    const ciphertext = cipher.encrypt('gho_secret-token', ownerA);

    // Assess
    expect(ciphertext).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(ciphertext).not.toContain('gho_secret-token');
    expect(cipher.decrypt(ciphertext, ownerA)).toBe('gho_secret-token');
  });

  it('uses a fresh IV for every encryption', () => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));

    // Act
    const first = cipher.encrypt('same', ownerA);
    const second = cipher.encrypt('same', ownerA);

    // Assess
    expect(first).not.toBe(second);
  });

  it('decrypt(encrypt(x)) = x for arbitrary unicode strings', () => {
    // Prepare
    const cipher = createCipher(parseKeyRing(newKeyRing()));

    // Act / Assess
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (plaintext, aad) => {
        expect(cipher.decrypt(cipher.encrypt(plaintext, aad), aad)).toBe(plaintext);
      }),
    );
  });

  it('refuses a wrong AAD', () => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));
    const ciphertext = cipher.encrypt('token', ownerA);

    // Act
    const error = decryptError(() =>
      cipher.decrypt(ciphertext, tokenAad('in_aaaaaaaaaaaaaaaaaaaa', 'github', 'default', 'refresh_token')),
    );

    // Assess
    expect(error.reason).toBe('authentication_failed');
  });

  it("refuses a ciphertext copied to another owner's record", () => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));
    const ciphertext = cipher.encrypt('token-of-a', ownerA);

    // Act
    const error = decryptError(() => cipher.decrypt(ciphertext, ownerB));

    // Assess
    expect(error.reason).toBe('authentication_failed');
    expect(error.message).not.toContain('token-of-a');
    expect(error.message).not.toContain(ownerB);
  });

  it.each([
    ['first ciphertext byte', 0],
    ['last tag byte', -1],
  ])('refuses a ciphertext with a flipped bit in the %s', (_where, index) => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));
    const ciphertext = cipher.encrypt('a token value', ownerA);

    // Act
    const error = decryptError(() => cipher.decrypt(tamper(ciphertext, index), ownerA));

    // Assess
    expect(error.reason).toBe('authentication_failed');
  });

  it('refuses a ciphertext whose key id was swapped to another key of the ring', () => {
    // Prepare: k1 and k2 in the ring, value written under k2
    const ring = rotateKeyRing(RING);
    const cipher = createCipher(parseKeyRing(ring));
    const ciphertext = cipher.encrypt('token', ownerA);

    // Act
    const error = decryptError(() => cipher.decrypt(ciphertext.replace(/^v1\.k2\./, 'v1.k1.'), ownerA));

    // Assess
    expect(ciphertext.startsWith('v1.k2.')).toBe(true);
    expect(error.reason).toBe('authentication_failed');
  });

  it('refuses a ciphertext naming a key the ring does not have', () => {
    // Prepare
    const rotated = createCipher(parseKeyRing(rotateKeyRing(RING)));
    const ciphertext = rotated.encrypt('token', ownerA);
    const old = createCipher(parseKeyRing(RING));

    // Act
    const error = decryptError(() => old.decrypt(ciphertext, ownerA));

    // Assess
    expect(error.reason).toBe('unknown_key');
  });

  it.each([
    ['empty', ''],
    ['plain text', 'not-encrypted'],
    ['another version', 'v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['a short IV', 'v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA'],
    ['no tag', 'v1.k1.AAAAAAAAAAAAAAAA.AAAA'],
    ['characters outside base64url', 'v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA=='],
    ['an extra part', 'v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.x'],
  ])('refuses a malformed ciphertext (%s)', (_case, ciphertext) => {
    // Prepare
    const cipher = createCipher(parseKeyRing(RING));

    // Act
    const error = decryptError(() => cipher.decrypt(ciphertext, ownerA));

    // Assess
    expect(error.reason).toBe('malformed');
  });
});

describe('key rotation', () => {
  it('writes new values with the new key and still reads values written with the old one', () => {
    // Prepare: a value written with k1
    const before = createCipher(parseKeyRing(RING));
    const old = before.encrypt('written-before-rotation', ownerA);

    // Act
    const after = createCipher(parseKeyRing(rotateKeyRing(RING)));
    const fresh = after.encrypt('written-after-rotation', ownerA);

    // Assess
    expect(old.startsWith('v1.k1.')).toBe(true);
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    expect(after.decrypt(old, ownerA)).toBe('written-before-rotation');
    expect(after.decrypt(fresh, ownerA)).toBe('written-after-rotation');
  });
});
