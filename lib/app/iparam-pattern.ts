/*
 * FDK's iparam `regex` (and `type_attributes.regex`): patterns a value must match when an
 * installation is created. The pattern is the app's, the value the installer's. V8's regular
 * expressions backtrack, so a pattern such as `(a+)+$` takes exponential time on a crafted value
 * and would hang the Lambda: the validator refuses the shapes that do that (below) and a value
 * checked against a pattern is bounded in length (docs/DECISIONS.md).
 */

/** One pattern of an iparam: FDK's `"NAME": "pattern"`, with its `"NAME-error"` text if any. */
export interface IparamPattern {
  readonly name: string;
  readonly source: string;
  readonly description: string | undefined;
}

/** The longest value checked against a pattern: bounds what a polynomial pattern can cost. */
export const MAX_PATTERN_INPUT = 256;

const ERROR_SUFFIX = '-error';

/** FDK's regex object (`{ "age": "[0-9]+", "age-error": "…" }`) or a bare pattern string. */
export function patternsOf(regex: string | Readonly<Record<string, string>>): IparamPattern[] {
  if (typeof regex === 'string') return [{ name: 'regex', source: regex, description: undefined }];
  const isMessage = (key: string) =>
    key.endsWith(ERROR_SUFFIX) && Object.hasOwn(regex, key.slice(0, -ERROR_SUFFIX.length));
  return Object.entries(regex)
    .filter(([key]) => !isMessage(key))
    .map(([name, source]) => ({ name, source, description: regex[`${name}${ERROR_SUFFIX}`] }));
}

interface Group {
  repeats: boolean;
  alternates: boolean;
}

/** The quantifier starting at `at` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`): its length and whether it repeats. */
function quantifierAt(source: string, at: number): { length: number; repeats: boolean } | undefined {
  const char = source[at];
  if (char === '*' || char === '+') return { length: lazyLength(source, at + 1, 1), repeats: true };
  if (char === '?') return { length: lazyLength(source, at + 1, 1), repeats: false };
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at));
  if (braces === null) return undefined;
  const [text, min = '0', comma, max] = braces;
  const repeats = comma !== undefined ? max === '' || Number(max) > 1 : Number(min) > 1;
  return { length: lazyLength(source, at + text.length, text.length), repeats };
}

const lazyLength = (source: string, after: number, length: number) =>
  source[after] === '?' ? length + 1 : length;

/** Where the character class opening at `at` ends (the index after its `]`). */
function classEnd(source: string, at: number): number {
  let index = at + 1;
  if (source[index] === '^') index += 1;
  if (source[index] === ']') index += 1;
  while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
  return index + 1;
}

/** The scan of one pattern: the open groups and the group that just closed. */
interface Scan {
  readonly groups: Group[];
  closed: Group | undefined;
}

/** A quantifier after the atom just read: refused on a group that holds a repeat or alternation. */
function onQuantifier(scan: Scan, repeats: boolean): string | undefined {
  const { closed } = scan;
  const top = scan.groups[scan.groups.length - 1] as Group;
  if (repeats && closed !== undefined && (closed.repeats || closed.alternates)) {
    return closed.repeats ? 'a repeated group holds a repeat' : 'a repeated group holds an alternation';
  }
  if (repeats || closed?.repeats) top.repeats = true;
  scan.closed = undefined;
  return undefined;
}

/** Reads the atom at `at` (no quantifier there); returns where the next one starts, or a problem. */
function onAtom(scan: Scan, source: string, at: number): number | string {
  const top = scan.groups[scan.groups.length - 1] as Group;
  if (scan.closed?.repeats) top.repeats = true;
  scan.closed = undefined;
  switch (source[at]) {
    case '\\':
      return /^\\([1-9]|k<)/.test(source.slice(at)) ? 'it has a backreference' : at + 2;
    case '[':
      return classEnd(source, at);
    case '(':
      scan.groups.push({ repeats: false, alternates: false });
      return at + 1;
    case ')':
      scan.closed = scan.groups.length > 1 ? scan.groups.pop() : undefined;
      return at + 1;
    case '|':
      top.alternates = true;
      return at + 1;
    default:
      return at + 1;
  }
}

/**
 * Why a pattern could backtrack catastrophically, or undefined: a repeated group that holds a
 * repeat (`(a+)+`, `(\w*\.)*`) or an alternation (`(a|ab)*`), or a backreference. A heuristic
 * (star height): it refuses some safe patterns, which can be rewritten, and the input bound
 * covers what it lets through.
 */
function shapeProblem(source: string): string | undefined {
  const scan: Scan = { groups: [{ repeats: false, alternates: false }], closed: undefined };
  for (let at = 0; at < source.length; ) {
    const quantifier = quantifierAt(source, at);
    const next = quantifier === undefined ? onAtom(scan, source, at) : onQuantifier(scan, quantifier.repeats);
    if (typeof next === 'string') return next;
    at = quantifier === undefined ? (next as number) : at + quantifier.length;
  }
  return undefined;
}

/** Why the validator refuses a pattern, or undefined: it must compile and be safe to run. */
export function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source);
  } catch {
    return 'it is not a valid JavaScript regular expression';
  }
  const shape = shapeProblem(source);
  return shape === undefined ? undefined : `it could take exponential time (${shape})`;
}

/** Whether a value (its text) matches a pattern, as FDK's installation page tests it: unanchored. */
export const matchesPattern = (pattern: IparamPattern, text: string): boolean =>
  new RegExp(pattern.source).test(text);
