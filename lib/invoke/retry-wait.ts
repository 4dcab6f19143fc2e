import type { App, RateLimitRule, RequestTemplate, ResetForm } from '../app/model';
import { parseList } from './structured-list';

/*
 * Whether an invoke's answer is retried, and after how long: a pure decision from the headers
 * in which providers say when to come back (docs/invoke.md, "Retries"). send.ts acts on it.
 */

/** What the upstream answered, as far as a retry cares; headers with lower-case names. */
export interface RetryAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Read for a wait only when the rule's `resetBody` names one. */
  readonly body?: Uint8Array | undefined;
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

/** Where a wait came from: a header's lower-case name, `body`, or the template's retryDelay. */
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

/** A larger body is not parsed for a wait: an error body that says one is short. */
export const MAX_WAIT_BODY_BYTES = 16 * 1024;

const RETRY_AFTER = 'retry-after';
/** The IETF draft's single field (`"default";r=0;t=30`), an RFC 8941 List. */
const RATELIMIT = 'ratelimit';
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

/**
 * The IETF `RateLimit` field: the fewest calls left among its policies (`r`), and the longest
 * reset (`t`, seconds) of those with none left — the wait until every exhausted one allows a call.
 */
function ratelimitField(value: string | undefined) {
  let left: number | undefined;
  let resetS: number | undefined;
  for (const { params } of parseList(value) ?? []) {
    const r = params.get('r');
    const t = params.get('t');
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) continue;
    left = Math.min(left ?? r, r);
    if (r === 0 && typeof t === 'number' && Number.isInteger(t) && t >= 0) resetS = Math.max(resetS ?? 0, t);
  }
  return { left, resetS };
}

/** The calls left as the answer says them; undefined when no remaining header reads as a count. */
function remaining(headers: RetryAnswer['headers'], rule: RateLimitRule | undefined): number | undefined {
  const own = rule?.remainingHeader;
  for (const name of own === undefined ? REMAINING_HEADERS : [own, ...REMAINING_HEADERS]) {
    const value = headers[name]?.trim();
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return ratelimitField(headers[RATELIMIT]).left;
}

/**
 * The value at `path` in a JSON body, as text a reset reads (a number or a string); undefined
 * when the body is too large, not JSON, or holds nothing usable there: never an error.
 */
function bodyValue(body: Uint8Array | undefined, path: readonly string[]): string | undefined {
  if (body === undefined || body.length === 0 || body.length > MAX_WAIT_BODY_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
  for (const name of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : undefined;
}

/** One place a wait may be said: its name, and how to read it from an answer (ms from now). */
type Source = readonly [WaitSource, (answer: RetryAnswer, now: number) => number | undefined];

const header = (name: string, reading: Reading): Source => [
  name,
  (answer, now) => read(answer.headers[name], reading, now),
];
// Pure: a bundle that never decides a retry (the import's one call) drops them.
const RETRY_AFTER_SOURCE = /* @__PURE__ */ header(RETRY_AFTER, 'retry_after');
/** The usual reset headers, read after Retry-After in this order. */
const RESET_SOURCES: readonly Source[] = [
  [
    RATELIMIT,
    (answer) => {
      const { resetS } = ratelimitField(answer.headers[RATELIMIT]);
      return resetS === undefined ? undefined : resetS * 1000;
    },
  ],
  /* @__PURE__ */ header('ratelimit-reset', 'seconds'), // earlier IETF drafts: always seconds from now
  /* @__PURE__ */ header('x-ratelimit-reset', 'auto'), // GitHub: epoch seconds; Calendly and others: seconds
];

/** The rule's own header, then its body path: the provider's word, read before the usual ones. */
function ownSources(rule: RateLimitRule | undefined): Source[] {
  if (rule === undefined) return [];
  const reading = rule.reset ?? 'auto';
  const { resetHeader, resetBody } = rule;
  return [
    ...(resetHeader === undefined ? [] : [header(resetHeader, reading)]),
    ...(resetBody === undefined
      ? []
      : [['body', (answer, now) => read(bodyValue(answer.body, resetBody), reading, now)] as Source]),
  ];
}

/**
 * The first source that says how long to wait. On a rate-limit answer: the rule's own header and
 * body, Retry-After, RateLimit, RateLimit-Reset, X-RateLimit-Reset. On any other only Retry-After:
 * some APIs send reset headers on every answer, and they tell when the window ends, not this failure.
 */
function headerWait(answer: RetryAnswer, rule: RateLimitRule | undefined, limited: boolean, now: number) {
  const sources = limited
    ? [...ownSources(rule), RETRY_AFTER_SOURCE, ...RESET_SOURCES]
    : [RETRY_AFTER_SOURCE];
  for (const [from, readWait] of sources) {
    const waitMs = readWait(answer, now);
    if (waitMs !== undefined) return { waitMs, from };
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
