import { setFlagsFromString } from 'node:v8';

/*
 * FDK's iparam `regex` (and `type_attributes.regex`): patterns a value must match when an
 * installation is created. The pattern is the app's, the value the installer's: it runs in V8's
 * linear-time engine, never the backtracking one (below, and docs/DECISIONS.md).
 */

/** One pattern of an iparam: FDK's `"NAME": "pattern"`, with its `"NAME-error"` text if any. */
export interface IparamPattern {
  readonly name: string;
  readonly source: string;
  readonly description: string | undefined;
}

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

/**
 * V8's linear-time engine (the `l` flag): an app's pattern runs on an installer's value, and
 * V8's usual engine backtracks — `(a+)+$` or `a*a*a*a*b` take seconds to hours on a crafted
 * value, which would hang the Lambda. The linear engine runs in time proportional to pattern
 * times value. It is behind a V8 flag that NODE_OPTIONS may not carry, so it is set here, once,
 * before the first pattern is compiled; it changes nothing for expressions without `l`.
 * test/app/iparam-pattern.unit.test.ts fails the day a Node version stops honouring it.
 */
const LINEAR_ENGINE_FLAG = '--enable-experimental-regexp-engine';
let linearEngineOn = false;

/** Compiles a pattern for the linear engine; throws SyntaxError when it cannot run there. */
function linear(source: string): RegExp {
  if (!linearEngineOn) {
    setFlagsFromString(LINEAR_ENGINE_FLAG);
    linearEngineOn = true;
  }
  return new RegExp(source, 'l');
}

/** Why the validator refuses a pattern, or undefined: it must compile, for the linear engine. */
export function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source);
  } catch {
    return 'it is not a valid JavaScript regular expression';
  }
  try {
    linear(source);
  } catch {
    return 'it cannot run in linear time (such as a backreference, a lookahead or a large repetition count)';
  }
  return undefined;
}

/** Whether a value (its text) matches a pattern, as FDK's installation page tests it: unanchored. */
export const matchesPattern = (pattern: IparamPattern, text: string): boolean =>
  linear(pattern.source).test(text);
