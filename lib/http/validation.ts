import type { z } from 'zod';
import { HandshakeError } from '../errors';

/** Parses untrusted input with a zod schema; failures list each field and what is allowed. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  throw new HandshakeError('INVALID_REQUEST', `Invalid ${what}: ${summary}`, { details: problems });
}
