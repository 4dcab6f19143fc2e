import { checkIparams } from '../../lib/app';
import { matchesPattern, patternProblem, patternsOf } from '../../lib/app/iparam-pattern';
import type { IparamField } from '../../lib/app/iparams-model';
import type { App } from '../../lib/app/model';

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
    '([a-z0-9-]+\\.)+freshdesk\\.com$',
    '^(?<user>[\\w.+-]+)@[\\w-]+\\.[\\w.]+$',
    '\\bword\\b',
    '^(a+)+$',
  ])('accepts %s', (source) => {
    expect(patternProblem(source)).toBeUndefined();
  });

  it.each([
    ['(', 'it is not a valid JavaScript regular expression'],
    ['(a)\\1', 'it cannot run in linear time'],
    ['(?<n>x)\\k<n>', 'it cannot run in linear time'],
    ['(?=a)a', 'it cannot run in linear time'],
    ['a{1000}', 'it cannot run in linear time'],
  ])('refuses %s: %s', (source, why) => {
    expect(patternProblem(source)).toContain(why);
  });
});

describe('matchesPattern (the linear-time engine)', () => {
  const pattern = (source: string) => ({ name: 'p', source, description: undefined });

  it('matches as FDK does: unanchored unless the pattern anchors itself', () => {
    expect(matchesPattern(pattern('[0-9]{2}'), 'age 42')).toBe(true);
    expect(matchesPattern(pattern('^[0-9]{2}$'), 'age 42')).toBe(false);
  });

  it('runs patterns that backtrack catastrophically elsewhere in linear time on a long crafted value', () => {
    // Prepare: each takes seconds to hours in V8's backtracking engine on such a value.
    const started = process.hrtime.bigint();
    // Act
    const results = [
      matchesPattern(pattern('^(a+)+$'), `${'a'.repeat(100_000)}!`),
      matchesPattern(pattern('a*a*a*a*a*b'), 'a'.repeat(100_000)),
      matchesPattern(pattern('^(a|aa)*$'), `${'a'.repeat(100_000)}!`),
    ];
    // Assess
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(results).toEqual([false, false, false]);
    expect(elapsedMs).toBeLessThan(2_000);
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

  it('holds what the installer gives to the patterns, not the default', () => {
    expect(checkIparams(sample, { tier: 'silver' }).problems.map((p) => p.message)).toEqual([
      'tier does not match its regex: gold only',
    ]);
  });
});
