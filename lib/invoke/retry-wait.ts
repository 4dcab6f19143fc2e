import type { App, RateLimitRule, RequestTemplate, ResetForm } from '../app/model';

/*
 * Whether an invoke's answer is retried, and after how long: a pure decision from the headers
 * in which providers say when to come back (docs/invoke.md, "Retries"). send.ts acts on it.
 */

/** What the upstream answered, as far as a retry cares; headers with lower-case names. */
export interface RetryAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RetryQuestion {
  /** Undefined after a network error: nothing was answered. */
  readonly answer: RetryAnswer | undefined;
  readonly rule: RateLimitRule | undefined;
  /** The template's `retryDelay`: the wait when no header says one. */
  readonly retryDelayMs: number;
  /** Epoch ms. */
  readonly now: number;
  /** Epoch ms by which the whole invoke must be answered. */
  readonly deadline: number;
}

/** Where a wait came from: a header's lower-case name, or the template's retryDelay. */
export type WaitSource = string;

export type RetryDecision =
  | { readonly retry: true; readonly waitMs: number; readonly from: WaitSource }
  | { readonly retry: false; readonly because: 'final' }
  | {
      readonly retry: false;
      readonly because: 'past_deadline';
      readonly waitMs: number;
      readonly from: WaitSource;
    };

/**
 * Left for the next attempt after a wait: with less, it would run out of time and the caller
 * would get 504 instead of the answer already in hand.
 */
export const MIN_ATTEMPT_MS = 1_000;

/** A number this large in a reset header is seconds since the epoch (2001-09-09); smaller, seconds from now. */
export const EPOCH_SECONDS_FROM = 1_000_000_000;

/** How a header is read: a rule's form; `auto` by magnitude; Retry-After's seconds or date. */
type Reading = ResetForm | 'auto' | 'retry_after';

const RETRY_AFTER = 'retry-after';
/** The usual reset headers, read after Retry-After in this order. */
const RESET_HEADERS: readonly (readonly [string, Reading])[] = [
  ['ratelimit-reset', 'seconds'], // IETF draft: always seconds from now
  ['x-ratelimit-reset', 'auto'], // GitHub: epoch seconds; Calendly and others: seconds
];
const REMAINING_HEADERS = ['x-ratelimit-remaining', 'ratelimit-remaining'];

const NUMBER = /^\d+(\.\d+)?$/;

/**
 * A header's value as ms from `now` (a past time is 0); undefined when it does not read as
 * `reading`. Too many digits make Infinity: a wait no deadline fits, which is what they mean.
 */
function read(value: string | undefined, reading: Reading, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (NUMBER.test(text)) {
    if (reading === 'http_date') return undefined;
    const seconds = Number(text);
    const epoch = reading === 'epoch_seconds' || (reading === 'auto' && seconds >= EPOCH_SECONDS_FROM);
    return Math.max(0, Math.ceil(epoch ? seconds * 1000 - now : seconds * 1000));
  }
  // Date.parse reads bare digits as a year: a date has letters (a day, a month, GMT, T).
  if (reading === 'seconds' || reading === 'epoch_seconds' || !/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A reset header's value as ms from `now`, read as `form` (undefined: by magnitude, or a date). */
export const resetMs = (value: string | undefined, form: ResetForm | undefined, now: number) =>
  read(value, form ?? 'auto', now);

/** The calls left as the answer says them; undefined when no remaining header reads as a count. */
function remaining(headers: RetryAnswer['headers'], rule: RateLimitRule | undefined): number | undefined {
  const own = rule?.remainingHeader;
  for (const name of own === undefined ? REMAINING_HEADERS : [own, ...REMAINING_HEADERS]) {
    const value = headers[name]?.trim();
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/**
 * The first header that says how long to wait. On a rate-limit answer: the rule's own header,
 * Retry-After, RateLimit-Reset, X-RateLimit-Reset. On any other only Retry-After: some APIs
 * send reset headers on every answer, and they tell when the window ends, not this failure.
 */
function headerWait(answer: RetryAnswer, rule: RateLimitRule | undefined, limited: boolean, now: number) {
  const retryAfter: readonly [string, Reading] = [RETRY_AFTER, 'retry_after'];
  const own: (readonly [string, Reading])[] =
    limited && rule !== undefined ? [[rule.resetHeader, rule.reset ?? 'auto']] : [];
  for (const [name, reading] of limited ? [...own, retryAfter, ...RESET_HEADERS] : [retryAfter]) {
    const waitMs = read(answer.headers[name], reading, now);
    if (waitMs !== undefined) return { waitMs, from: name };
  }
  return undefined;
}

/**
 * Whether to retry, and after how long. Network errors, 429 and 5xx are retried; a 403 only
 * when its remaining header says 0 or it has Retry-After, and a header says when (GitHub's
 * primary and secondary rate limits). An
 * answer is a rate limit when its remaining header says 0, or it is a 429 without one. The
 * wait is the first header that says one, else `retryDelayMs`; a wait that would leave less
 * than MIN_ATTEMPT_MS before the deadline is not waited (`past_deadline`).
 */
export function retryDecision(question: RetryQuestion): RetryDecision {
  const { answer, rule, now } = question;
  let wait: { waitMs: number; from: WaitSource } | undefined;
  if (answer !== undefined) {
    const left = remaining(answer.headers, rule);
    const limited = left === 0 || (answer.status === 429 && left === undefined);
    const throttled403 = answer.status === 403 && (left === 0 || answer.headers[RETRY_AFTER] !== undefined);
    const retryable = answer.status === 429 || answer.status >= 500 || throttled403;
    if (!retryable) return { retry: false, because: 'final' };
    wait = headerWait(answer, rule, limited, now);
    if (wait === undefined && answer.status === 403) return { retry: false, because: 'final' };
  }
  const { waitMs, from } = wait ?? { waitMs: question.retryDelayMs, from: 'retryDelay' };
  if (now + waitMs + MIN_ATTEMPT_MS > question.deadline) {
    return { retry: false, because: 'past_deadline', waitMs, from };
  }
  return { retry: true, waitMs, from };
}

/** The rule an invoke of `template` follows: its own `options.rate_limit`, else its integration's. */
export function rateLimitRuleOf(app: App, template: RequestTemplate): RateLimitRule | undefined {
  if (template.rateLimit !== undefined) return template.rateLimit;
  return template.oauth === undefined ? undefined : app.integrations.get(template.oauth)?.settings.rateLimit;
}
