import { checkIparams } from '../../lib/app';
import { MAX_PATTERN_INPUT, patternProblem, patternsOf } from '../../lib/app/iparam-pattern';
import type { App, IparamField } from '../../lib/app/model';

const app = (...fields: IparamField[]): Pick<App, 'iparams'> => ({
  iparams: new Map(fields.map((f) => [f.name, f])),
});

const field = (name: string, extra: Partial<IparamField> = {}): IparamField => ({
  name,
  displayName: name,
  type: 'text',
  required: false,
  secure: false,
  ...extra,
});

describe('patternsOf (FDK regex objects)', () => {
  it('pairs each pattern with its NAME-error message', () => {
    expect(
      patternsOf({
        'age-limit': '[1-9][0-9]',
        'age-limit-error': 'The age must be between 10-99',
        other: 'x',
      }),
    ).toEqual([
      { name: 'age-limit', source: '[1-9][0-9]', description: 'The age must be between 10-99' },
      { name: 'other', source: 'x', description: undefined },
    ]);
  });

  it('keeps a key ending in -error as a pattern when no pattern of that name exists', () => {
    expect(patternsOf({ 'typo-error': '^a$' })).toEqual([
      { name: 'typo-error', source: '^a$', description: undefined },
    ]);
  });

  it('reads a bare string as one pattern', () => {
    expect(patternsOf('^[a-z]+$')).toEqual([{ name: 'regex', source: '^[a-z]+$', description: undefined }]);
  });
});

describe('patternProblem', () => {
  it.each([
    '^[A-Z]{2,5}$',
    '[1-9][0-9]',
    '^(foo|bar)$',
    '^\\d+(\\.\\d+)?$',
    '[(]+',
    '\\(a+\\)+',
    '^[a-z0-9-]+$',
  ])('accepts %s', (source) => {
    expect(patternProblem(source)).toBeUndefined();
  });

  it.each([
    ['^(a+)+$', 'a repeated group holds a repeat'],
    ['(\\w*\\.)*x', 'a repeated group holds a repeat'],
    ['((ab)+c)+', 'a repeated group holds a repeat'],
    ['^(a|ab)*$', 'a repeated group holds an alternation'],
    ['(a|b){2,}', 'a repeated group holds an alternation'],
    ['(a)\\1', 'it has a backreference'],
    ['(?<n>x)\\k<n>', 'it has a backreference'],
    ['(', 'it is not a valid JavaScript regular expression'],
  ])('refuses %s: %s', (source, why) => {
    expect(patternProblem(source)).toContain(why);
  });
});

describe('checkIparams with patterns', () => {
  const sample = app(
    field('age', {
      type: 'number',
      patterns: [{ name: 'age-limit', source: '^[1-9][0-9]$', description: 'The age must be between 10-99' }],
    }),
    field('code', { patterns: [{ name: 'code', source: '^[A-Z]{3}$', description: undefined }] }),
    field('tier', {
      patterns: [{ name: 't', source: '^gold$', description: 'gold only' }],
      defaultValue: 'x',
    }),
  );

  it('keeps values that match, numbers by their text', () => {
    const checked = checkIparams(sample, { age: 42, code: 'ABC' });
    expect(checked.problems).toEqual([]);
    expect(checked.values).toEqual({ age: 42, code: 'ABC', tier: 'x' });
  });

  it('refuses a value that does not match, naming the field and the description, never the value', () => {
    // Act
    const checked = checkIparams(sample, { age: 7, code: 'abc-secret' });
    // Assess
    expect(checked.problems).toEqual([
      { name: 'age', message: 'age does not match its regex: The age must be between 10-99' },
      { name: 'code', message: 'code does not match its regex: /^[A-Z]{3}$/' },
    ]);
    expect(JSON.stringify(checked.problems)).not.toContain('abc-secret');
  });

  it('refuses a value longer than the bound before any pattern runs', () => {
    const checked = checkIparams(sample, { code: 'A'.repeat(MAX_PATTERN_INPUT + 1) });
    expect(checked.problems).toEqual([
      {
        name: 'code',
        message: `code is longer than ${MAX_PATTERN_INPUT} characters, the most a field with a regex takes`,
      },
    ]);
  });

  it('holds what the installer gives to the patterns, not the default', () => {
    expect(checkIparams(sample, { tier: 'silver' }).problems.map((p) => p.message)).toEqual([
      'tier does not match its regex: gold only',
    ]);
  });
});
