import * as z from 'zod';
import type { FieldRules } from '../zod-problems';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().regex(HEADER_NAME);

/** A dotted path of JSON member names (`error.retry_after`), each a plain name, at most 8 deep. */
const BODY_PATH = /^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,7}$/;
const NEITHER = 'rate_limit names neither reset_header nor reset_body: nothing says where the wait is';

export const RESET_FORMS = ['seconds', 'epoch_seconds', 'http_date'] as const;

/**
 * `rate_limit`, the same object in an integration's `handshake` and in a template's `options`:
 * the provider's own headers that say when a rate-limited call may be retried.
 */
export const rateLimitSchema = z
  .strictObject({
    reset_header: headerName.optional(),
    reset_body: z.string().regex(BODY_PATH).optional(),
    reset: z.enum(RESET_FORMS).optional(),
    remaining_header: headerName.optional(),
  })
  .refine((rule) => rule.reset_header !== undefined || rule.reset_body !== undefined, {
    message: NEITHER,
  });

export type RateLimitInput = z.infer<typeof rateLimitSchema>;

const KEYS = 'reset_header, reset_body, reset, remaining_header';
const HEADER_RULE = 'an HTTP header name (no spaces or expressions)';

/** The rules of `rate_limit` at `at` (`rate_limit` or `options.rate_limit`). */
export const rateLimitRules = (at: string): FieldRules => ({
  [at]: { allowed: `an object with ${KEYS} (reset_header or reset_body required)`, keys: KEYS },
  [`${at}.reset_header`]: {
    allowed: `the header that says when to retry, e.g. X-Rate-Limit-Reset: ${HEADER_RULE}`,
  },
  [`${at}.reset_body`]: {
    allowed:
      'the dotted path of the wait in a JSON error body, e.g. retry_after or error.retry_after: member names of letters, digits, _, - or $, at most 8 deep',
  },
  [`${at}.reset`]: {
    allowed:
      'how reset_header and reset_body say it: seconds (from now), epoch_seconds (since 1970), http_date; omitted: a date, or a number by its size (1000000000 and over: epoch seconds)',
  },
  [`${at}.remaining_header`]: {
    allowed: `the header whose 0 says no calls are left, e.g. X-Rate-Limit-Remaining: ${HEADER_RULE}`,
  },
});
