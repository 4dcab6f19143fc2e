import type { RateLimitRule } from '../../../lib/app/model';
import type { RateLimitInput } from '../schemas/rate-limit';

/** `rate_limit` as the model holds it: header names lower-case, as responses carry them. */
export const toRateLimitRule = (input: RateLimitInput | undefined): RateLimitRule | undefined =>
  input === undefined
    ? undefined
    : {
        resetHeader: input.reset_header?.toLowerCase(),
        resetBody: input.reset_body?.split('.'),
        reset: input.reset,
        remainingHeader: input.remaining_header?.toLowerCase(),
      };
