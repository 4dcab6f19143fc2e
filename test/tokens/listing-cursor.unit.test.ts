import { createCipher, newKeyRing, parseKeyRing } from '../../lib/crypto';
import { InvalidInputError } from '../../lib/errors';
import { type CursorScope, openCursor, sealCursor } from '../../lib/tokens/listing-cursor';
import { vaultFrom } from '../../lib/tokens/vault';

const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
const failing: CursorScope = { listing: 'installations', filter: ['failing', ''] };
const POSITION = '2026-12-02T18:00:00.000Z#in_abcdefghijklmnopqrst';

describe('the listing cursor', () => {
  it('opens to the position it was sealed with, for the listing and filter that issued it', () => {
    // Act
    const cursor = sealCursor(vault, failing, POSITION);
    // Assess: opaque (the position is not readable in it), and it round-trips
    expect(cursor).not.toContain('in_abcdefghijklmnopqrst');
    expect(cursor).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(openCursor(vault, failing, cursor)).toBe(POSITION);
  });

  it.each<[string, (cursor: string) => [CursorScope, string]]>([
    ['altered', (cursor) => [failing, `${cursor.slice(0, -3)}${cursor.endsWith('AAA') ? 'BBB' : 'AAA'}`]],
    ['made up', () => [failing, 'v1.k1.AAAA.BBBB']],
    ['not a cursor at all', () => [failing, '2026-12-02T18:00:00.000Z#in_x']],
    ['of another filter', (cursor) => [{ listing: 'installations', filter: ['authorized', ''] }, cursor]],
    [
      'of an integration filter with the same value',
      (cursor) => [{ listing: 'installations', filter: ['', 'failing'] }, cursor],
    ],
    ['of another listing', (cursor) => [{ listing: 'events', filter: ['failing'] }, cursor]],
    [
      'from another key ring',
      () => [failing, sealCursor(vaultFrom(createCipher(parseKeyRing(newKeyRing()))), failing, POSITION)],
    ],
  ])('refuses a cursor %s with one 400 message', (_name, make) => {
    // Prepare
    const [scope, cursor] = make(sealCursor(vault, failing, POSITION));
    // Act
    const open = () => openCursor(vault, scope, cursor);
    // Assess
    expect(open).toThrow(InvalidInputError);
    expect(open).toThrow(/cursor is not one this listing issued/);
  });
});
