import { KeyRingError, newKeyRing, parseKeyRing, rotateKeyRing } from '../../lib/crypto/keyring';

const M1 = 'materialONEmaterialONEmaterialONEmaterialONEmaterialONEmaterial1';
const M2 = 'materialTWOmaterialTWOmaterialTWOmaterialTWOmaterialTWOmaterial2';

function keyRingError(json: string): KeyRingError {
  try {
    parseKeyRing(json);
  } catch (error) {
    if (error instanceof KeyRingError) return error;
    throw error;
  }
  throw new Error('expected a KeyRingError');
}

describe('parseKeyRing', () => {
  it('derives one key per key id and names the current one', () => {
    // Prepare
    const json = JSON.stringify({ current: 'k2', k1: M1, k2: M2 });

    // Act
    const ring = parseKeyRing(json);

    // Assess
    expect(ring.currentId).toBe('k2');
    expect([...ring.keys.keys()].sort()).toEqual(['k1', 'k2']);
    expect(ring.keys.get('k1')?.symmetricKeySize).toBe(32);
  });

  it('derives different keys from the same material under different key ids', () => {
    // Prepare
    const ring = parseKeyRing(JSON.stringify({ current: 'a', a: M1, b: M1 }));

    // Act
    const a = ring.keys.get('a')?.export();
    const b = ring.keys.get('b')?.export();

    // Assess
    expect(a).toBeDefined();
    expect(a?.equals(b ?? Buffer.alloc(0))).toBe(false);
  });

  it('accepts what Secrets Manager generates: 64 alphanumerics under "k1"', () => {
    // Prepare
    const generated = `{"current":"k1","k1":"${'aB3'.repeat(21)}x"}`;

    // Act
    const ring = parseKeyRing(generated);

    // Assess
    expect(ring.currentId).toBe('k1');
  });

  it.each([
    [
      'current names a missing key',
      JSON.stringify({ current: 'k2', k1: M1 }),
      /"k2", which is not in the ring/,
    ],
    ['no current', JSON.stringify({ k1: M1 }), /"current" must be a key id/],
    ['current is not a string', JSON.stringify({ current: 1, k1: M1 }), /"current" must be a key id/],
    ['material too short', JSON.stringify({ current: 'k1', k1: 'short-material' }), /material of key "k1"/],
    ['material not a string', JSON.stringify({ current: 'k1', k1: 42 }), /material of key "k1"/],
    ['invalid key id', JSON.stringify({ current: 'k1', k1: M1, 'bad id!': M2 }), /a key id does not match/],
    ['not JSON', `{"current":"k1","k1":"${M1}"`, /not valid JSON/],
    ['an array', JSON.stringify([M1]), /must be a JSON object/],
  ])('refuses a ring with %s, without quoting key material', (_case, json, message) => {
    // Act
    const error = keyRingError(json);

    // Assess
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(M1);
    expect(error.message).not.toContain(M2);
    expect(error.message).not.toContain('short-material');
  });

  it('does not quote an invalid key id, which may be misplaced material', () => {
    // Prepare: material pasted where the key id belongs
    const json = JSON.stringify({ current: 'k1', k1: M1, [`${M2}.`]: M2 });

    // Act
    const error = keyRingError(json);

    // Assess
    expect(error.message).not.toContain(M2);
  });
});

describe('rotateKeyRing', () => {
  it('adds a fresh key, makes it current and keeps every old key unchanged', () => {
    // Prepare
    const json = JSON.stringify({ current: 'k1', k1: M1, k2: M2 });

    // Act
    const rotated = JSON.parse(rotateKeyRing(json)) as Record<string, string>;

    // Assess
    expect(rotated.current).toBe('k3');
    expect(rotated.k1).toBe(M1);
    expect(rotated.k2).toBe(M2);
    expect(rotated.k3).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('refuses to rotate a broken ring', () => {
    // Act / Assess
    expect(() => rotateKeyRing(JSON.stringify({ current: 'k9', k1: M1 }))).toThrow(KeyRingError);
  });
});

describe('newKeyRing', () => {
  it('creates a valid ring with one random key k1', () => {
    // Act
    const first = newKeyRing();
    const second = newKeyRing();

    // Assess
    expect(parseKeyRing(first).currentId).toBe('k1');
    expect(Object.keys(JSON.parse(first) as object)).toEqual(['current', 'k1']);
    expect(first).not.toBe(second);
  });
});
