import type { RateLimitRule } from '../app/model';
import { type Egress, EgressError, type EgressResponse } from '../egress';
import {
  DeadlineExceededError,
  DestinationRefusedError,
  FailedAfterAttempts,
  type NamedError,
  UpstreamError,
} from '../errors';
import type { RenderedRequest } from './render-request';
import { retryDecision } from './retry-wait';

export interface SendOptions {
  readonly maxAttempts: number;
  /** Between attempts, unless the upstream says how long (./retry-wait.ts). */
  readonly retryDelayMs: number;
  /** The provider's own rate-limit headers, read beside the usual ones. */
  readonly rateLimit: RateLimitRule | undefined;
  /** Epoch ms by which the whole invoke must be answered. */
  readonly deadline: number;
  readonly maxResponseBytes: number;
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Sent {
  readonly response: EgressResponse;
  readonly attempts: number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One attempt: the response, or the EgressError that stopped it. */
async function attempt(
  egress: Egress,
  request: RenderedRequest & { readonly body?: string | Uint8Array | undefined },
  options: Pick<SendOptions, 'maxResponseBytes'>,
  remaining: number,
): Promise<EgressResponse | EgressError> {
  try {
    return await egress.send({
      url: request.url,
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.tls === undefined ? {} : { tls: request.tls }),
      timeoutMs: remaining,
      maxResponseBytes: options.maxResponseBytes,
    });
  } catch (error) {
    if (error instanceof EgressError) return error;
    throw error;
  }
}

/** How long to wait before the next attempt, or undefined when there is none to make. */
function nextDelay(
  outcome: EgressResponse | EgressError,
  attempts: number,
  options: SendOptions,
): number | undefined {
  if (attempts >= options.maxAttempts) return undefined;
  if (outcome instanceof EgressError && outcome.kind !== 'network') return undefined;
  const decision = retryDecision({
    answer: outcome instanceof EgressError ? undefined : outcome,
    rule: options.rateLimit,
    retryDelayMs: options.retryDelayMs,
    now: options.now(),
    deadline: options.deadline,
  });
  return decision.retry ? decision.waitMs : undefined;
}

/**
 * Sends the rendered request, retrying (up to `maxAttempts` in all) on network errors, 429, 5xx
 * and a rate-limited 403 after `retryDelayMs` or the wait the upstream's headers say — but only
 * while the wait still fits before the deadline; otherwise the last answer is returned as it is.
 */
export async function sendWithRetries(
  egress: Egress,
  request: RenderedRequest & { readonly body?: string | Uint8Array | undefined },
  options: SendOptions,
): Promise<Sent> {
  const sleep = options.sleep ?? wait;
  for (let attempts = 1; ; attempts++) {
    const remaining = options.deadline - options.now();
    if (remaining <= 0) throw after(timedOut(), attempts - 1);
    const outcome = await attempt(egress, request, options, remaining);
    const delay = nextDelay(outcome, attempts, options);
    if (delay === undefined) {
      if (outcome instanceof EgressError) throw fromEgressError(outcome, attempts);
      return { response: outcome, attempts };
    }
    await sleep(delay);
  }
}

/**
 * One attempt and no retry, its failures said as sendWithRetries says them: the call that
 * validates an imported grant (./import-call.ts). Apart from it, so that a bundle using only
 * this carries no retry decision.
 */
export async function sendOnce(
  egress: Egress,
  request: RenderedRequest,
  options: Pick<SendOptions, 'deadline' | 'maxResponseBytes' | 'now'>,
): Promise<Sent> {
  const remaining = options.deadline - options.now();
  if (remaining <= 0) throw timedOut();
  const outcome = await attempt(egress, request, options, remaining);
  if (outcome instanceof EgressError) throw fromEgressError(outcome, 1);
  return { response: outcome, attempts: 1 };
}

const timedOut = () => new DeadlineExceededError('The upstream did not answer in time');

/** A failure after `attempts` requests; with none sent the named error alone says it all. */
const after = (failure: NamedError, attempts: number) =>
  attempts > 0 ? new FailedAfterAttempts(failure, attempts) : failure;

function fromEgressError(error: EgressError, attempts: number) {
  switch (error.kind) {
    case 'refused':
      // Refused before it was sent: this attempt does not count.
      return after(
        new DestinationRefusedError(`The egress policy refused the request: ${error.message}`),
        attempts - 1,
      );
    case 'timeout':
      return after(timedOut(), attempts);
    case 'response_too_large':
      return after(new UpstreamError('response_too_large', error.message), attempts);
    default:
      return after(
        new UpstreamError('unreachable', `Could not reach the upstream: ${error.message}`),
        attempts,
      );
  }
}
