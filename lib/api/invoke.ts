/**
 * The request of POST /installations/{id}/invoke: the FDK's `{ template, context?, body?,
 * account? }`. Parsed when the use case asks (after authentication), so a stranger learns
 * nothing about the app's templates from a refusal.
 */
import * as z from 'zod/mini';
import { InvalidInputError } from '../errors';
import { type HttpRequest, jsonBody } from '../http/request';
import { fieldProblems, summarize } from '../http/validation';
import type { InvokeInput } from '../invoke/invoke';

const invokeBody = z.strictObject({
  template: z.string().check(z.minLength(1)),
  context: z.optional(z.record(z.string(), z.unknown())),
  body: z.optional(z.unknown()),
  account: z.optional(z.string()),
});

/** A missing or non-JSON body is the API's error shape; a body of the wrong shape is the envelope's. */
export function invokeRequest(request: HttpRequest): InvokeInput {
  const parsed = invokeBody.safeParse(jsonBody(request, { required: true }) ?? {});
  if (parsed.success) return parsed.data;
  const problems = fieldProblems(parsed.error);
  throw new InvalidInputError(
    `Invalid invoke request: ${summarize(problems)}; allowed: { template, context?, body?, account? }`,
    { details: problems },
  );
}
