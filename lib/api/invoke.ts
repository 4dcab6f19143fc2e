/**
 * The request of POST /installations/{id}/invoke: the FDK's `{ template, context?, body?,
 * query?, account?, cache?, ttl? }` (`ttl` in ms, 1 ms to 1 h), and `files?` for a template's
 * upload. Parsed when the use case asks (after authentication), so a stranger learns nothing
 * about the app's templates from a refusal.
 */
import * as v from 'valibot';
import { InvalidInputError } from '../errors';
import { type HttpRequest, jsonBody } from '../http/request';
import type { InvokeInput } from '../invoke/invoke';
import { MAX_CACHE_TTL_MS } from '../invoke/response-cache';
import { fieldProblems, jsonObject, jsonRecord, summarize } from '../validation';
import { invokeFiles } from './invoke-files';

// One check rather than valibot's integer/min/max actions: the invoke bundle is near its limit.
const isTtl = (ttl: number) => Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_CACHE_TTL_MS;

const invokeBody = jsonObject({
  template: v.pipe(v.string(), v.minLength(1)),
  context: v.optional(jsonRecord(v.unknown())),
  body: v.optional(v.unknown()),
  files: v.optional(invokeFiles),
  account: v.optional(v.string()),
  cache: v.optional(v.boolean()),
  ttl: v.optional(
    v.pipe(v.number(), v.check(isTtl, `Expected an integer from 1 to ${MAX_CACHE_TTL_MS} (ms)`)),
  ),
  // FDK's `query`: added after the template's, each value sent as text.
  query: v.optional(
    jsonRecord(
      v.union(
        [v.string(), v.pipe(v.number(), v.finite()), v.boolean()],
        'a query value is a string, a number or a boolean',
      ),
    ),
  ),
});

/** A missing or non-JSON body is the API's error shape; a body of the wrong shape is the envelope's. */
export function invokeRequest(request: HttpRequest): InvokeInput {
  const parsed = v.safeParse(invokeBody, jsonBody(request, { required: true }) ?? {});
  if (parsed.success) return parsed.output;
  const problems = fieldProblems(parsed.issues);
  throw new InvalidInputError(
    `Invalid invoke request: ${summarize(problems)}; allowed: { template, context?, body?, files?, query?, account?, cache?, ttl? }`,
    { details: problems },
  );
}
