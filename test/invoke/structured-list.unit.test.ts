import { parseList } from '../../lib/invoke/structured-list';

/* RFC 8941 Lists as the IETF RateLimit field uses them; any fault fails the whole field. */

const params = (field: string) => parseList(field)?.map((member) => Object.fromEntries(member.params));

describe('parseList', () => {
  it.each([
    ['"default";r=0;t=30', [{ r: 0, t: 30 }]],
    [
      '  "a";r=1;t=2 ,\t"b";r=0;t=9  ',
      [
        { r: 1, t: 2 },
        { r: 0, t: 9 },
      ],
    ],
    ['default;r=0;t=5', [{ r: 0, t: 5 }]],
    [
      '"x";pk=:cHJldGVuZA==:;flag;d=1.5;s="a\\"b";neg=-3;tok=abc/def',
      [{ pk: ':cHJldGVuZA==:', flag: true, d: 1.5, s: 'a"b', neg: -3, tok: 'abc/def' }],
    ],
    ['("a" "b");r=0, "c"', [{ r: 0 }, {}]],
    ['?1;at=@1700000000', [{ at: 1700000000 }]],
    ['', []],
  ])('reads %j', (field, expected) => {
    expect(params(field)).toEqual(expected);
  });

  it('keeps the items’ values: strings, tokens, numbers, booleans, inner lists', () => {
    expect(parseList('"default", tok, 12, ?0, (1 2)')?.map((member) => member.value)).toEqual([
      'default',
      'tok',
      12,
      false,
      [1, 2],
    ]);
  });

  it.each([
    ['a trailing comma', '"a";r=0,'],
    ['an empty member', '"a", , "b"'],
    ['an unterminated string', '"abc'],
    ['a bad escape', '"a\\n"'],
    ['a control character in a string', '"a\u0001"'],
    ['an upper-case key', '"a";R=0'],
    ['a space before the =', '"a";r =0'],
    ['16 digits', '"a";r=1234567890123456'],
    ['four decimals', '"a";t=1.2345'],
    ['a trailing dot', '"a";t=1.'],
    ['junk after an item', '"a" b'],
    ['an unclosed inner list', '("a" "b"'],
    ['a fractional date', '@1.5'],
    ['a bad boolean', '?2'],
  ])('fails on %s', (_name, field) => {
    expect(parseList(field)).toBeUndefined();
  });

  it('reads nothing from no field', () => {
    expect(parseList(undefined)).toBeUndefined();
  });
});
