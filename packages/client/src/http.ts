/** One call to Handshake's API: JSON in and out, the bearer key, its error shape read. */
import { HandshakeApiError } from './errors.js';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface Transport {
  readonly url: string;
  readonly key: string;
  readonly fetch: Fetch;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** `code` of a network failure before Handshake answered, and of an answer that is not JSON. */
export const UNREACHABLE = 'HANDSHAKE_UNREACHABLE';
export const NOT_JSON = 'HANDSHAKE_INVALID_RESPONSE';

const segment = (value: string): string => encodeURIComponent(value);

/** `/installations/{id}/…` with each value encoded as one path segment. */
export function path(parts: TemplateStringsArray, ...values: string[]): string {
  return parts.reduce(
    (text, part, index) => text + part + (index < values.length ? segment(values[index] ?? '') : ''),
    '',
  );
}

export async function send(
  transport: Transport,
  method: string,
  route: string,
  body?: unknown,
): Promise<Answer> {
  let response: Response;
  try {
    response = await transport.fetch(`${transport.url.replace(/\/+$/, '')}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${transport.key}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new HandshakeApiError(
      502,
      UNREACHABLE,
      `Handshake at ${transport.url} could not be reached: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  if (text === '') return { status: response.status, body: undefined };
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new HandshakeApiError(
      response.status,
      NOT_JSON,
      `Handshake answered ${response.status} with a body that is not JSON`,
    );
  }
}

/** The API's one error shape, `{ error: { code, message, details? } }`, or undefined. */
export function apiError(answer: Answer): HandshakeApiError | undefined {
  const error = (
    answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined
  )?.error;
  if (typeof error?.code !== 'string') return undefined;
  return new HandshakeApiError(answer.status, error.code, String(error.message ?? error.code), error.details);
}

/** The body of a 2xx answer; the API's error otherwise. */
export async function call<T>(
  transport: Transport,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const answer = await send(transport, method, route, body);
  if (answer.status >= 200 && answer.status < 300) return answer.body as T;
  throw (
    apiError(answer) ?? new HandshakeApiError(answer.status, NOT_JSON, `Handshake answered ${answer.status}`)
  );
}
