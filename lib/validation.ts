import * as v from 'valibot';
import { InvalidInputError } from './errors';

// Request bodies are checked with valibot, whose functions tree-shake one by one: the four
// request schemas and the stored-credentials shape cost a Lambda ~5 KB, where zod/mini with its
// English messages cost 20 KB (docs/DECISIONS.md). The app validator (tools/app) keeps zod.

/** One issue of a request body: the dotted field (`(body)` for the body itself) and what is wrong. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

type Issue = v.BaseIssue<unknown>;

// An object schema reports a key it lacks as `Expected "name"` and one it does not know as
// `Expected never`: say what those mean.
function messageOf(issue: Issue): string {
  if (issue.type !== 'strict_object' && issue.type !== 'object') return issue.message;
  if (issue.expected === 'never') return 'unknown field';
  return issue.input === undefined && issue.path !== undefined ? 'required' : issue.message;
}

// valibot's object and record schemas take an array as an object (its indexes as keys).
const notArray = v.check(
  (input: unknown) => !Array.isArray(input),
  'Invalid type: Expected Object but received Array',
);

/** A JSON object with exactly these fields (an unknown field is refused). */
export const jsonObject = <const E extends v.ObjectEntries>(entries: E) =>
  v.pipe(v.unknown(), notArray, v.strictObject(entries));

/** A JSON object of any keys, each value of this schema. */
export const jsonRecord = <const S extends v.GenericSchema>(value: S) =>
  v.pipe(v.unknown(), notArray, v.record(v.string(), value));

export function fieldProblems(issues: readonly Issue[]): FieldProblem[] {
  return issues.map((issue) => ({ field: v.getDotPath(issue) ?? '(body)', message: messageOf(issue) }));
}

/** `field: message; …`, for the error message itself. */
export const summarize = (problems: readonly FieldProblem[]): string =>
  problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');

export type Schema = v.GenericSchema;

/** Parses untrusted input with a schema; failures list each field and what is wrong with it. */
export function parseWith<S extends Schema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const problems = fieldProblems(result.issues);
  throw new InvalidInputError(`Invalid ${what}: ${summarize(problems)}`, { details: problems });
}
