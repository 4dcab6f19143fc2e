import type { z } from 'zod';
import { isRecord } from '../../lib/app/record';
import { child, describeValue, type ProblemSink, type Where } from './problems';

/** How one field of a schema is explained: what is allowed, and for objects which keys. */
export interface FieldRule {
  readonly allowed: string;
  /** For an object: the keys it accepts, used when an unknown key shows up. */
  readonly keys?: string;
  /** Replaces the generic message (e.g. for a key that must not be there at all). */
  readonly message?: string;
}

/** Rules by dotted field path relative to the parsed value; `*` matches any one key. */
export type FieldRules = Readonly<Record<string, FieldRule>>;

function matches(pattern: string, path: readonly string[]): boolean {
  const parts = pattern === '' ? [] : pattern.split('.');
  return parts.length === path.length && parts.every((part, i) => part === '*' || part === path[i]);
}

function ruleFor(rules: FieldRules, path: readonly string[]): FieldRule | undefined {
  const key = Object.keys(rules).find((pattern) => matches(pattern, path));
  return key === undefined ? undefined : rules[key];
}

const EXPECTED: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

function fallbackAllowed(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return EXPECTED[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.map((value) => JSON.stringify(value)).join(', ');
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    default:
      return issue.message;
  }
}

function messageFor(issue: z.core.$ZodIssue, label: string): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return `${label} is missing`;
  // A schema's own check (a refine) says what is wrong itself.
  if (issue.code === 'custom' && issue.message !== '') return issue.message;
  const value = describeValue(input);
  switch (issue.code) {
    case 'invalid_type':
      return `${label} is ${value}`;
    case 'invalid_value':
      return `${label} ${value} is not supported`;
    case 'too_big':
    case 'too_small':
      return `${label} ${value} is out of range`;
    default:
      return `${label} ${value} is not valid`;
  }
}

/** The field a message talks about: its key, or `parent[i]` for an array element. */
function labelFor(path: readonly PropertyKey[], rootLabel: string): string {
  const last = path[path.length - 1];
  if (last === undefined) return rootLabel;
  if (typeof last === 'number') return `${String(path[path.length - 2] ?? rootLabel)}[${last}]`;
  return String(last);
}

// Array indices stay numbers so that the JSON path reads `$.list[0]`, not `$.list["0"]`.
const jsonKeys = (path: readonly PropertyKey[]): (string | number)[] =>
  path.map((key) => (typeof key === 'number' ? key : String(key)));

function report(
  issues: readonly z.core.$ZodIssue[],
  where: Where,
  rules: FieldRules,
  rootLabel: string,
  sink: ProblemSink,
): void {
  for (const issue of issues) {
    const path = issue.path.map(String);
    const rule = ruleFor(rules, path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyRule = ruleFor(rules, [...path, key]);
        sink.error(
          child(where, ...jsonKeys(issue.path), key),
          keyRule?.message ?? `unknown key "${key}"`,
          rule?.keys ?? keyRule?.allowed ?? 'no other keys',
        );
      }
      continue;
    }
    const label = labelFor(issue.path, rootLabel);
    sink.error(
      child(where, ...jsonKeys(issue.path)),
      rule?.message ?? messageFor(issue, label),
      rule?.allowed ?? fallbackAllowed(issue),
    );
  }
}

/** The path of every field an issue is about; an unknown key is a field of its own. */
function issuePaths(issues: readonly z.core.$ZodIssue[]): string[][] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    return issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...path, key]) : [path];
  });
}

/**
 * `value` without the field at `path`. An issue inside an array drops the whole array: dropping
 * only the element would shift the indices that later checks put in their JSON paths.
 */
function without(value: unknown, path: readonly string[]): unknown {
  const [key, ...rest] = path;
  if (key === undefined || Array.isArray(value)) return undefined;
  if (!isRecord(value) || !Object.hasOwn(value, key)) return value;
  const copy: Record<string, unknown> = { ...value };
  const inner = copy[key];
  if (rest.length === 0 || Array.isArray(inner)) delete copy[key];
  else copy[key] = without(inner, rest);
  return copy;
}

const overlaps = (a: readonly string[], b: readonly string[]): boolean =>
  a.slice(0, Math.min(a.length, b.length)).every((part, i) => part === b[i]);

/** What `parseSalvaging` found: the whole value when it is valid, else the parts that are. */
export interface Salvaged<T, P> {
  /** The parsed value; undefined when there was any issue. */
  readonly value: T | undefined;
  /**
   * The value with every field that had an issue removed, parsed by the salvage schema; undefined
   * when nothing is left (the value itself had the wrong type).
   */
  readonly valid: P | undefined;
  /** Whether the field at `path` had an issue, or a field inside it or around it did. */
  readonly failed: (...path: readonly string[]) => boolean;
}

/**
 * Like `parseReporting`, but the checks that come after the schema still get every field that
 * passed it, so that one run reports every independent problem — and, since a field with an
 * issue is removed, none of them is blamed a second time by a check that expected its type.
 * `salvage` is the schema with its required fields made optional.
 */
export function parseSalvaging<T extends P, P>(
  schema: z.ZodType<T>,
  salvage: z.ZodType<P>,
  value: unknown,
  where: Where,
  rules: FieldRules,
  rootLabel: string,
  sink: ProblemSink,
): Salvaged<T, P> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { value: result.data, valid: result.data, failed: () => false };
  report(result.error.issues, where, rules, rootLabel, sink);
  const paths = issuePaths(result.error.issues);
  const rest = salvage.safeParse(paths.reduce(without, value));
  return {
    value: undefined,
    // Not reported: every issue of the salvage schema is one of the schema's, reported above.
    valid: rest.success ? rest.data : undefined,
    failed: (...path) => paths.some((failed) => overlaps(failed, path)),
  };
}

/**
 * Parses `value` with a zod schema and reports every issue as a problem under `where`.
 * Returns the parsed value, or undefined when there was any issue.
 */
export function parseReporting<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: Where,
  rules: FieldRules,
  rootLabel: string,
  sink: ProblemSink,
): T | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  report(result.error.issues, where, rules, rootLabel, sink);
  return undefined;
}
