/**
 * The request of POST /installations/{id}/invoke: the FDK's `{ template, context?, body?,
 * account? }`, and `files?` for a template's upload. Parsed when the use case asks (after
 * authentication), so a stranger learns nothing about the app's templates from a refusal.
 */
import * as v from 'valibot';
import { InvalidInputError } from '../errors';
import { type HttpRequest, jsonBody } from '../http/request';
import type { InvokeInput } from '../invoke/invoke';
import { fieldProblems, jsonObject, jsonRecord, summarize } from '../validation';
import { invokeFiles } from './invoke-files';

const invokeBody = jsonObject({
  template: v.pipe(v.string(), v.minLength(1)),
  context: v.optional(jsonRecord(v.unknown())),
  body: v.optional(v.unknown()),
  files: v.optional(invokeFiles),
  account: v.optional(v.string()),
});

/** A missing or non-JSON body is the API's error shape; a body of the wrong shape is the envelope's. */
export function invokeRequest(request: HttpRequest): InvokeInput {
  const parsed = v.safeParse(invokeBody, jsonBody(request, { required: true }) ?? {});
  if (parsed.success) return parsed.output;
  const problems = fieldProblems(parsed.issues);
  throw new InvalidInputError(
    `Invalid invoke request: ${summarize(problems)}; allowed: { template, context?, body?, files?, account? }`,
    { details: problems },
  );
}
