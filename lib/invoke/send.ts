import { type Egress, EgressError, type EgressResponse } from '../egress';
import { InvokeError, platformError } from './errors';
import type { RenderedRequest } from './render-request';

export interface SendOptions {
  readonly maxAttempts: number;
  /** Between attempts, unless the upstream says Retry-After. */
  readonly retryDelayMs: number;
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
const retryable = (status: number) => status === 429 || status >= 500;

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sends the rendered request, retrying (up to `maxAttempts` in all) on network errors, 429 and
 * 5xx after `retryDelayMs` or the upstream's Retry-After — but only while the wait still fits
 * before the deadline; otherwise the last answer is returned as it is.
 */
export async function sendWithRetries(
  egress: Egress,
  request: RenderedRequest & { readonly body?: string | undefined },
  options: SendOptions,
): Promise<Sent> {
  const sleep = options.sleep ?? wait;
  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline - options.now();
    if (remaining <= 0)
      throw platformError(504, 'TIMEOUT', 'The upstream did not answer in time', attempt - 1);
    let response: EgressResponse;
    try {
      response = await egress.send({
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutMs: remaining,
        maxResponseBytes: options.maxResponseBytes,
      });
    } catch (error) {
      if (!(error instanceof EgressError)) throw error;
      const delay = options.retryDelayMs;
      if (
        error.kind === 'network' &&
        attempt < options.maxAttempts &&
        options.now() + delay < options.deadline
      ) {
        await sleep(delay);
        continue;
      }
      throw fromEgressError(error, attempt);
    }
    if (!retryable(response.status) || attempt >= options.maxAttempts) return { response, attempts: attempt };
    const delay = retryAfterMs(response.headers['retry-after'], options.now()) ?? options.retryDelayMs;
    if (options.now() + delay >= options.deadline) return { response, attempts: attempt };
    await sleep(delay);
  }
}

function fromEgressError(error: EgressError, attempts: number) {
  switch (error.kind) {
    case 'refused':
      return new InvokeError(
        400,
        'APP',
        'URL_REFUSED',
        `The egress policy refused the request: ${error.message}`,
        attempts - 1,
      );
    case 'timeout':
      return platformError(504, 'TIMEOUT', 'The upstream did not answer in time', attempts);
    case 'response_too_large':
      return platformError(502, 'RESPONSE_TOO_LARGE', error.message, attempts);
    default:
      return platformError(
        502,
        'CONNECTION_FAILED',
        `Could not reach the upstream: ${error.message}`,
        attempts,
      );
  }
}
