import type { z } from 'zod';
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
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    const rule = ruleFor(rules, path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyRule = ruleFor(rules, [...path, key]);
        sink.error(
          child(where, ...path, key),
          keyRule?.message ?? `unknown key "${key}"`,
          rule?.keys ?? keyRule?.allowed ?? 'no other keys',
        );
      }
      continue;
    }
    const label = labelFor(issue.path, rootLabel);
    sink.error(
      child(where, ...path),
      rule?.message ?? messageFor(issue, label),
      rule?.allowed ?? fallbackAllowed(issue),
    );
  }
  return undefined;
}
