import {
  hashKey,
  installationIdFromKey,
  isInstallationId,
  keyMatchesHash,
  newInstallationId,
  newInstallationKey,
  safeEqual,
} from '../../lib/crypto/keys';

describe('installation ids', () => {
  it('are in_ + 20 base32 characters and unique', () => {
    // Act
    const ids = Array.from({ length: 50 }, () => newInstallationId());

    // Assess
    for (const id of ids) expect(id).toMatch(/^in_[a-z2-7]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(isInstallationId)).toBe(true);
  });
});

describe('installation keys', () => {
  it('carry their installation id and a 43-character secret', () => {
    // Prepare
    const id = newInstallationId();

    // Act
    const key = newInstallationKey(id);

    // Assess
    expect(key).toMatch(new RegExp(`^hsk_${id}_[A-Za-z0-9_-]{43}$`));
    expect(installationIdFromKey(key)).toBe(id);
  });

  it('refuse to be issued for something that is not an installation id', () => {
    // Act / Assess
    expect(() => newInstallationKey('in_with_underscore')).toThrow(/not an installation id/);
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', `hsa_in_${'a'.repeat(20)}_${'A'.repeat(43)}`],
    ['secret too short', `hsk_in_${'a'.repeat(20)}_${'A'.repeat(42)}`],
    ['secret too long', `hsk_in_${'a'.repeat(20)}_${'A'.repeat(44)}`],
    ['id too short', `hsk_in_${'a'.repeat(19)}_${'A'.repeat(43)}`],
    ['id with upper case', `hsk_in_${'A'.repeat(20)}_${'A'.repeat(43)}`],
    ['secret with padding', `hsk_in_${'a'.repeat(20)}_${'A'.repeat(42)}=`],
    ['surrounding space', ` hsk_in_${'a'.repeat(20)}_${'A'.repeat(43)}`],
  ])('yield no installation id when malformed (%s)', (_case, key) => {
    // Act / Assess
    expect(installationIdFromKey(key)).toBeUndefined();
  });

  it('match their own hash and not another key’s', () => {
    // Prepare
    const id = newInstallationId();
    const key = newInstallationKey(id);
    const other = newInstallationKey(id);

    // Act
    const hash = hashKey(key);

    // Assess
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(keyMatchesHash(key, hash)).toBe(true);
    expect(keyMatchesHash(other, hash)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['upper-case hex', hashKey('x').toUpperCase()],
    ['not hex', 'z'.repeat(64)],
  ])('never match a malformed stored hash (%s)', (_case, hash) => {
    // Act / Assess
    expect(keyMatchesHash('x', hash)).toBe(false);
  });
});

describe('safeEqual', () => {
  it.each([
    ['equal', 'hsa_secret', 'hsa_secret', true],
    ['different, same length', 'hsa_secret', 'hsa_secreT', false],
    ['different lengths', 'hsa_secret', 'hsa_secret-longer', false],
    ['empty vs non-empty', '', 'hsa_secret', false],
    ['both empty', '', '', true],
  ])('compares %s secrets', (_case, a, b, expected) => {
    // Act / Assess
    expect(safeEqual(a, b)).toBe(expected);
  });
});
