import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors';

// Request bodies are checked with zod/mini, which tree-shakes to a fifth of zod's full build. It
// carries no messages of its own (every issue would read "Invalid input"): the English locale
// gives the very messages the full build does. Global, so every zod/mini schema gets them.
z.config(en());

/** One issue of a request body: the dotted field (`(body)` for the body itself) and what is wrong. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export function fieldProblems(error: z.core.$ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** `field: message; …`, for the error message itself. */
export const summarize = (problems: readonly FieldProblem[]): string =>
  problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');

/** Parses untrusted input with a zod schema; failures list each field and what is allowed. */
export function parseWith<T extends z.ZodMiniType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = fieldProblems(result.error);
  throw new InvalidInputError(`Invalid ${what}: ${summarize(problems)}`, { details: problems });
}
