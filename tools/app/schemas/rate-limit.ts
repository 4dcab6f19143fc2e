import * as z from 'zod';
import type { FieldRules } from '../zod-problems';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().regex(HEADER_NAME);

export const RESET_FORMS = ['seconds', 'epoch_seconds', 'http_date'] as const;

/**
 * `rate_limit`, the same object in an integration's `handshake` and in a template's `options`:
 * the provider's own headers that say when a rate-limited call may be retried.
 */
export const rateLimitSchema = z.strictObject({
  reset_header: headerName,
  reset: z.enum(RESET_FORMS).optional(),
  remaining_header: headerName.optional(),
});

export type RateLimitInput = z.infer<typeof rateLimitSchema>;

const KEYS = 'reset_header, reset, remaining_header';
const HEADER_RULE = 'an HTTP header name (no spaces or expressions)';

/** The rules of `rate_limit` at `at` (`rate_limit` or `options.rate_limit`). */
export const rateLimitRules = (at: string): FieldRules => ({
  [at]: { allowed: `an object with ${KEYS} (reset_header required)`, keys: KEYS },
  [`${at}.reset_header`]: {
    allowed: `the header that says when to retry, e.g. X-Rate-Limit-Reset: ${HEADER_RULE}`,
  },
  [`${at}.reset`]: {
    allowed:
      'how reset_header says it: seconds (from now), epoch_seconds (since 1970), http_date; omitted: a date, or a number by its size (1000000000 and over: epoch seconds)',
  },
  [`${at}.remaining_header`]: {
    allowed: `the header whose 0 says no calls are left, e.g. X-Rate-Limit-Remaining: ${HEADER_RULE}`,
  },
});
