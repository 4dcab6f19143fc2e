import type { App, Integration, RateLimitRule, RequestTemplate } from '../../lib/app/model';
import {
  EPOCH_SECONDS_FROM,
  MAX_WAIT_BODY_BYTES,
  MIN_ATTEMPT_MS,
  type RetryAnswer,
  type RetryDecision,
  rateLimitRuleOf,
  resetMs,
  retryDecision,
} from '../../lib/invoke/retry-wait';

/* The wait decision of an invoke's retries, table by table (docs/invoke.md, "Retries"). */

const NOW = Date.parse('2026-12-02T16:00:00.000Z');
const NOW_S = NOW / 1000;
const DEADLINE = NOW + 15_000;
const HTTP_DATE_IN_3S = 'Wed, 02 Dec 2026 16:00:03 GMT';

const OKTA: RateLimitRule = {
  resetHeader: 'x-rate-limit-reset',
  resetBody: undefined,
  reset: 'epoch_seconds',
  remainingHeader: 'x-rate-limit-remaining',
};
const SHOPIFY: RateLimitRule = {
  resetHeader: 'x-shopify-retry-after',
  resetBody: undefined,
  reset: 'seconds',
  remainingHeader: undefined,
};

const decide = (
  answer: RetryAnswer | undefined,
  rule?: RateLimitRule,
  { deadline = DEADLINE, retryDelayMs = 250 } = {},
): RetryDecision => retryDecision({ answer, rule, retryDelayMs, now: NOW, deadline });
const answer = (status: number, headers: Record<string, string> = {}): RetryAnswer => ({ status, headers });
const waits = (waitMs: number, from: string): RetryDecision => ({ retry: true, waitMs, from });
const final: RetryDecision = { retry: false, because: 'final' };
const tooLate = (waitMs: number, from: string): RetryDecision => ({
  retry: false,
  because: 'past_deadline',
  waitMs,
  from,
});

describe('resetMs: one header value in one form', () => {
  it.each([
    // [value, form, ms]
    ['2', 'seconds', 2000],
    [' 2 ', 'seconds', 2000],
    ['1.5', 'seconds', 1500],
    ['0', 'seconds', 0],
    [String(NOW_S + 4), 'epoch_seconds', 4000],
    [String(NOW_S + 0.25), 'epoch_seconds', 250],
    [String(NOW_S - 60), 'epoch_seconds', 0], // past: the window has reset, retry now
    ['5', 'epoch_seconds', 0], // 1970: past
    [HTTP_DATE_IN_3S, 'http_date', 3000],
    ['2026-12-02T16:00:02Z', 'http_date', 2000],
    ['Wed, 02 Dec 2026 15:00:00 GMT', 'http_date', 0], // past
    // Without a form: a date is a date, a number by its magnitude.
    ['3', undefined, 3000],
    [String(EPOCH_SECONDS_FROM - 1), undefined, (EPOCH_SECONDS_FROM - 1) * 1000],
    [String(NOW_S + 3), undefined, 3000],
    [String(EPOCH_SECONDS_FROM), undefined, 0], // 2001: past
    [HTTP_DATE_IN_3S, undefined, 3000],
    // Huge: Infinity, which no deadline fits.
    ['9'.repeat(400), 'seconds', Number.POSITIVE_INFINITY],
    ['9'.repeat(400), undefined, Number.POSITIVE_INFINITY],
  ] as const)('%j as %s is %d ms', (value, form, ms) => {
    expect(resetMs(value, form, NOW)).toBe(ms);
  });

  it.each([
    // [value, form]: nothing to read, so the next header (or retryDelay) decides
    [undefined, undefined],
    ['', 'seconds'],
    ['soon', undefined],
    ['-5', 'seconds'],
    ['-5', undefined],
    ['1e3', 'seconds'],
    ['0x10', undefined],
    ['2, 3', undefined],
    ['Infinity', 'seconds'],
    ['NaN', undefined],
    ['2026', 'http_date'], // Date.parse would read a year
    [HTTP_DATE_IN_3S, 'seconds'],
    [HTTP_DATE_IN_3S, 'epoch_seconds'],
    ['Not a day, 99 Foo 2026', 'http_date'],
  ] as const)('%j as %s is unreadable', (value, form) => {
    expect(resetMs(value, form, NOW)).toBeUndefined();
  });
});

describe('retryDecision: which answers are retried', () => {
  it.each([
    ['a network error', undefined, waits(250, 'retryDelay')],
    ['a 500', answer(500), waits(250, 'retryDelay')],
    ['a 503', answer(503), waits(250, 'retryDelay')],
    ['a bare 429', answer(429), waits(250, 'retryDelay')],
    ['a 200', answer(200), final],
    [
      'a 200 with no calls left',
      answer(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' }),
      final,
    ],
    ['a 400', answer(400), final],
    ['a 401', answer(401, { 'retry-after': '1' }), final],
    ['a 404', answer(404), final],
    ['a plain 403', answer(403), final],
    [
      'a 403 with a reset but calls left',
      answer(403, { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '5' }),
      final,
    ],
    ['a 403 with no calls left and no reset', answer(403, { 'x-ratelimit-remaining': '0' }), final],
    [
      "GitHub's 403: no calls left, the reset in epoch seconds",
      answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW_S + 2) }),
      waits(2000, 'x-ratelimit-reset'),
    ],
    [
      "GitHub's secondary limit: a 403 with Retry-After and calls left",
      answer(403, {
        'x-ratelimit-remaining': '4000',
        'x-ratelimit-reset': String(NOW_S + 9),
        'retry-after': '2',
      }),
      waits(2000, 'retry-after'),
    ],
    ['a 403 with an unreadable Retry-After', answer(403, { 'retry-after': 'later' }), final],
    [
      'a 403 with no calls left and Retry-After',
      answer(403, { 'x-ratelimit-remaining': '0', 'retry-after': '1' }),
      waits(1000, 'retry-after'),
    ],
  ] as const)('%s', (_name, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });
});

describe('retryDecision: how long, from which header', () => {
  it.each([
    ['Retry-After in seconds', answer(429, { 'retry-after': '2' }), waits(2000, 'retry-after')],
    ['Retry-After as a date', answer(503, { 'retry-after': HTTP_DATE_IN_3S }), waits(3000, 'retry-after')],
    [
      'Retry-After in the past',
      answer(429, { 'retry-after': 'Wed, 02 Dec 2026 15:59:00 GMT' }),
      waits(0, 'retry-after'),
    ],
    ['Retry-After of garbage', answer(429, { 'retry-after': 'later' }), waits(250, 'retryDelay')],
    [
      'RateLimit-Reset (IETF: seconds)',
      answer(429, { 'ratelimit-reset': '3' }),
      waits(3000, 'ratelimit-reset'),
    ],
    [
      'RateLimit-Reset never as epoch seconds',
      answer(429, { 'ratelimit-reset': String(NOW_S + 3) }),
      tooLate(NOW + 3000, 'ratelimit-reset'),
    ],
    [
      'X-RateLimit-Reset in seconds (Calendly)',
      answer(429, { 'x-ratelimit-reset': '2' }),
      waits(2000, 'x-ratelimit-reset'),
    ],
    [
      'X-RateLimit-Reset in epoch seconds',
      answer(429, { 'x-ratelimit-reset': String(NOW_S + 4) }),
      waits(4000, 'x-ratelimit-reset'),
    ],
    [
      'X-RateLimit-Reset in the past',
      answer(429, { 'x-ratelimit-reset': String(NOW_S - 30), 'x-ratelimit-remaining': '0' }),
      waits(0, 'x-ratelimit-reset'),
    ],
    [
      'X-RateLimit-Reset of garbage',
      answer(429, { 'x-ratelimit-reset': 'tomorrow-ish' }),
      waits(250, 'retryDelay'),
    ],
    [
      'RateLimit-Remaining: 0 with RateLimit-Reset on a 503',
      answer(503, { 'ratelimit-remaining': '0', 'ratelimit-reset': '2' }),
      waits(2000, 'ratelimit-reset'),
    ],
  ] as const)('%s', (_name, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });

  it.each([
    // Reset headers tell when the window ends; on an answer that is no rate limit they are not read.
    [
      'a 503 with a reset and calls left',
      answer(503, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '2' }),
    ],
    ['a 503 with a reset and no remaining header', answer(503, { 'x-ratelimit-reset': '2' })],
    [
      'a 429 that says it has calls left',
      answer(429, { 'x-ratelimit-remaining': '3', 'ratelimit-reset': '2' }),
    ],
  ] as const)('ignores the reset of %s', (_name, given) => {
    expect(decide(given)).toEqual(waits(250, 'retryDelay'));
  });

  it.each([
    [
      'Retry-After over RateLimit-Reset and X-RateLimit-Reset',
      answer(429, { 'retry-after': '1', 'ratelimit-reset': '2', 'x-ratelimit-reset': '3' }),
      waits(1000, 'retry-after'),
    ],
    [
      'RateLimit-Reset over X-RateLimit-Reset',
      answer(429, { 'ratelimit-reset': '2', 'x-ratelimit-reset': '3' }),
      waits(2000, 'ratelimit-reset'),
    ],
    [
      'the next header when the first is garbage',
      answer(429, { 'retry-after': 'soon', 'ratelimit-reset': '-1', 'x-ratelimit-reset': '3' }),
      waits(3000, 'x-ratelimit-reset'),
    ],
    [
      'Retry-After even when it is shorter than the window',
      answer(429, {
        'retry-after': '0',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(NOW_S + 9),
      }),
      waits(0, 'retry-after'),
    ],
  ] as const)('both present: %s', (_name, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });
});

describe('retryDecision: a rule names the provider’s own headers', () => {
  it.each([
    [
      "Okta's 429, epoch seconds under its own names",
      answer(429, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW_S + 2) }),
      OKTA,
      waits(2000, 'x-rate-limit-reset'),
    ],
    [
      "Okta's remaining header makes a 403 a rate limit",
      answer(403, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW_S + 2) }),
      OKTA,
      waits(2000, 'x-rate-limit-reset'),
    ],
    [
      'without the rule the same 429 is retried after retryDelay',
      answer(429, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(NOW_S + 2) }),
      undefined,
      waits(250, 'retryDelay'),
    ],
    [
      'the rule’s header over Retry-After',
      answer(429, { 'x-shopify-retry-after': '3', 'retry-after': '1' }),
      SHOPIFY,
      waits(3000, 'x-shopify-retry-after'),
    ],
    [
      'Retry-After when the rule’s header is garbage',
      answer(429, { 'x-shopify-retry-after': 'soon', 'retry-after': '1' }),
      SHOPIFY,
      waits(1000, 'retry-after'),
    ],
    [
      'the usual headers when the rule’s is absent',
      answer(429, { 'x-ratelimit-reset': '2' }),
      SHOPIFY,
      waits(2000, 'x-ratelimit-reset'),
    ],
    [
      'its form: epoch seconds refuse a date',
      answer(429, { 'x-rate-limit-reset': HTTP_DATE_IN_3S }),
      OKTA,
      waits(250, 'retryDelay'),
    ],
    [
      'its form: a small number is still epoch seconds (the past)',
      answer(429, { 'x-rate-limit-reset': '30' }),
      OKTA,
      waits(0, 'x-rate-limit-reset'),
    ],
    [
      'its header on a 503 with calls left is not read',
      answer(503, { 'x-shopify-retry-after': '3' }),
      SHOPIFY,
      waits(250, 'retryDelay'),
    ],
    [
      'its header’s form of a date',
      answer(429, { 'x-reset-at': HTTP_DATE_IN_3S }),
      { resetHeader: 'x-reset-at', resetBody: undefined, reset: 'http_date', remainingHeader: undefined },
      waits(3000, 'x-reset-at'),
    ],
  ] as const)('%s', (_name, given, rule, decision) => {
    expect(decide(given, rule)).toEqual(decision);
  });
});

describe('retryDecision: always within the deadline', () => {
  const limited = (reset: string) =>
    answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });

  it('waits when the wait leaves the next attempt MIN_ATTEMPT_MS', () => {
    expect(decide(limited('14'))).toEqual(waits(14_000, 'x-ratelimit-reset'));
  });

  it.each([
    ['leaves less than MIN_ATTEMPT_MS', limited('14.001'), tooLate(14_001, 'x-ratelimit-reset')],
    ['is a minute', limited('60'), tooLate(60_000, 'x-ratelimit-reset')],
    ['is an epoch an hour away', limited(String(NOW_S + 3600)), tooLate(3_600_000, 'x-ratelimit-reset')],
    ['is huge', limited('9'.repeat(400)), tooLate(Number.POSITIVE_INFINITY, 'x-ratelimit-reset')],
    [
      'is far as a date',
      answer(503, { 'retry-after': 'Thu, 03 Dec 2026 16:00:00 GMT' }),
      tooLate(86_400_000, 'retry-after'),
    ],
  ] as const)('does not wait when the wait %s', (_name, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });

  it('does not wait retryDelay past the deadline either', () => {
    const deadline = NOW + MIN_ATTEMPT_MS + 100;
    expect(decide(answer(503), undefined, { deadline, retryDelayMs: 100 })).toEqual(waits(100, 'retryDelay'));
    expect(decide(answer(503), undefined, { deadline, retryDelayMs: 101 })).toEqual(
      tooLate(101, 'retryDelay'),
    );
    expect(decide(undefined, undefined, { deadline, retryDelayMs: 101 })).toEqual(tooLate(101, 'retryDelay'));
  });
});

describe('rateLimitRuleOf: the template’s rule wins over its integration’s', () => {
  const template = (extra: Partial<RequestTemplate>) => ({ name: 't', ...extra }) as RequestTemplate;
  const app = {
    integrations: new Map([
      ['okta', { name: 'okta', settings: { rateLimit: OKTA } } as unknown as Integration],
    ]),
  } as unknown as App;

  it.each([
    ['its own', template({ rateLimit: SHOPIFY, oauth: 'okta' }), SHOPIFY],
    ['its integration’s', template({ oauth: 'okta' }), OKTA],
    ['none without an integration', template({}), undefined],
    ['its own without an integration', template({ rateLimit: SHOPIFY }), SHOPIFY],
    ['none for an integration without one', template({ oauth: 'other' }), undefined],
  ] as const)('%s', (_name, given, rule) => {
    expect(rateLimitRuleOf(app, given)).toEqual(rule);
  });
});

describe('retryDecision: the IETF RateLimit field (RFC 8941 List)', () => {
  it.each([
    ['one policy with none left', answer(429, { ratelimit: '"default";r=0;t=3' }), waits(3000, 'ratelimit')],
    ['a token for the policy name', answer(429, { ratelimit: 'default;r=0;t=2' }), waits(2000, 'ratelimit')],
    [
      'the longest reset of the exhausted policies',
      answer(429, { ratelimit: '"burst";r=0;t=1, "day";r=5;t=9, "hour";r=0;t=4' }),
      waits(4000, 'ratelimit'),
    ],
    ['a reset of 0: now', answer(429, { ratelimit: '"default";r=0;t=0' }), waits(0, 'ratelimit')],
    [
      'a 403 whose field says none left (a rate limit, like a remaining header of 0)',
      answer(403, { ratelimit: '"default";r=0;t=2' }),
      waits(2000, 'ratelimit'),
    ],
    [
      'Retry-After still first',
      answer(429, { ratelimit: '"default";r=0;t=5', 'retry-after': '1' }),
      waits(1000, 'retry-after'),
    ],
    [
      'before RateLimit-Reset',
      answer(429, { ratelimit: '"default";r=0;t=2', 'ratelimit-reset': '4' }),
      waits(2000, 'ratelimit'),
    ],
    [
      'a reset too far for the deadline',
      answer(429, { ratelimit: '"default";r=0;t=60' }),
      tooLate(60_000, 'ratelimit'),
    ],
  ] as const)('%s', (_name, given, decision) => {
    expect(decide(given)).toEqual(decision);
  });

  it.each([
    // [name, field]: unreadable or not exhausted, so retryDelay decides
    ['calls left in every policy', '"default";r=3;t=5'],
    ['a fraction of a second', '"default";r=0;t=1.5'],
    ['a negative reset', '"default";r=0;t=-2'],
    ['no reset', '"default";r=0'],
    ['a trailing comma', '"default";r=0;t=2,'],
    ['an unterminated string', '"default;r=0;t=2'],
    ['an upper-case key', '"default";R=0;T=2'],
    ['garbage after an item', '"default";r=0;t=2 junk'],
  ])('%s (%s) is not a wait', (_name, field) => {
    expect(decide(answer(429, { ratelimit: field }))).toEqual(waits(250, 'retryDelay'));
  });

  it('does not make a 403 with calls left a rate limit', () => {
    expect(decide(answer(403, { ratelimit: '"default";r=7;t=2' }))).toEqual(final);
  });
});

describe('retryDecision: a wait read from the body (rate_limit.reset_body)', () => {
  const DISCORD: RateLimitRule = {
    resetHeader: undefined,
    resetBody: ['retry_after'],
    reset: 'seconds',
    remainingHeader: undefined,
  };
  const NESTED: RateLimitRule = { ...DISCORD, resetBody: ['error', 'retry_after'] };
  const withBody = (status: number, body: string, headers: Record<string, string> = {}): RetryAnswer => ({
    status,
    headers,
    body: Buffer.from(body),
  });

  it.each([
    [
      'seconds as a float',
      DISCORD,
      withBody(429, '{"message":"You are being rate limited.","retry_after":1.25}'),
      1250,
    ],
    ['a nested path', NESTED, withBody(429, '{"error":{"code":"rate_limited","retry_after":2}}'), 2000],
    ['a number in a string', NESTED, withBody(429, '{"error":{"retry_after":"3"}}'), 3000],
    [
      'epoch seconds',
      { ...DISCORD, reset: 'epoch_seconds' },
      withBody(429, `{"retry_after":${NOW_S + 2}}`),
      2000,
    ],
    [
      'an HTTP date',
      { ...DISCORD, reset: 'http_date' },
      withBody(429, JSON.stringify({ retry_after: HTTP_DATE_IN_3S })),
      3000,
    ],
  ] as const)('%s', (_name, rule, given, ms) => {
    expect(decide(given, rule)).toEqual(waits(ms, 'body'));
  });

  it('is read after the rule’s own header and before Retry-After', () => {
    expect(decide(withBody(429, '{"retry_after":2}', { 'retry-after': '1' }), DISCORD)).toEqual(
      waits(2000, 'body'),
    );
    const both: RateLimitRule = { ...DISCORD, resetHeader: 'x-wait' };
    expect(decide(withBody(429, '{"retry_after":2}', { 'x-wait': '3' }), both)).toEqual(
      waits(3000, 'x-wait'),
    );
  });

  it.each([
    ['not JSON', '<html>slow down</html>'],
    ['an empty body', ''],
    ['a missing member', '{"message":"slow down"}'],
    ['a negative number', '{"retry_after":-1}'],
    ['an exponent', '{"retry_after":1e400}'],
    ['an object', '{"retry_after":{"seconds":2}}'],
    ['a boolean', '{"retry_after":true}'],
    ['an array at the top', '[1,2]'],
    ['null', '{"retry_after":null}'],
    ['too large a body', `{"retry_after":2,"pad":"${'x'.repeat(MAX_WAIT_BODY_BYTES)}"}`],
  ])('ignores %s: the next header, or retryDelay, decides', (_name, body) => {
    expect(decide(withBody(429, body, { 'retry-after': '1' }), DISCORD)).toEqual(waits(1000, 'retry-after'));
    expect(decide(withBody(429, body), DISCORD)).toEqual(waits(250, 'retryDelay'));
  });

  it('is not read on an answer that is no rate limit', () => {
    expect(decide(withBody(503, '{"retry_after":2}', { 'x-ratelimit-remaining': '9' }), DISCORD)).toEqual(
      waits(250, 'retryDelay'),
    );
  });

  it('does not walk into the prototype', () => {
    const rule: RateLimitRule = { ...DISCORD, resetBody: ['constructor', 'length'] };
    expect(decide(withBody(429, '{}'), rule)).toEqual(waits(250, 'retryDelay'));
  });
});
