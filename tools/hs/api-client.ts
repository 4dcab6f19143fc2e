/**
 * The CLI's one way to the HTTP API: global fetch with the admin key as a Bearer token, JSON in
 * and out. A refusal becomes an ApiError carrying the API's own words
 * (`{ error: { code, message } }`, lib/http/responses.ts) and the status; the key is never part
 * of a message.
 */

/** How long one request may take: the refresh-now route waits up to 20 s for the provider. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The API said no: its status, its code and its message, as it gave them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API could not be reached, or answered something that is not the API's JSON. */
export class TransportError extends Error {
  override name = 'TransportError';
}

export type Query = Readonly<Record<string, string | undefined>>;

export interface Request {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path with its segments already encoded: `/installations/in_…`. */
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
}

/** An answer: its parsed JSON (undefined for 204) and the text as the API sent it, for --json. */
export interface Answer<T> {
  readonly body: T;
  readonly text: string;
}

export interface ApiClient {
  readonly baseUrl: string;
  send<T>(request: Request): Promise<Answer<T>>;
}

export type Fetch = typeof fetch;

/** `/a/b` and `?x=1` from a query, its undefined and empty values left out. */
export function urlOf(baseUrl: string, path: string, query: Query = {}): string {
  const defined = Object.entries(query).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  const search = defined.length === 0 ? '' : `?${new URLSearchParams(defined).toString()}`;
  return `${baseUrl}${path}${search}`;
}

/** A path segment as a URL carries it: an id or a label the user typed may hold `/` or `?`. */
export const segment = (value: string): string => encodeURIComponent(value);

/** The API's error body, or what a gateway answered instead (API Gateway: `{ "message" }`). */
function refusal(status: number, statusText: string, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = (value: unknown): Record<string, unknown> | undefined =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const error = record(record(parsed)?.error);
  if (error !== undefined && typeof error.message === 'string') {
    return new ApiError(status, typeof error.code === 'string' ? error.code : undefined, error.message);
  }
  const gateway = record(parsed)?.message;
  const message = typeof gateway === 'string' ? gateway : statusText || 'no error message';
  return new ApiError(status, undefined, message);
}

const causeOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause === '' ? error.message : `${error.message} (${cause})`;
};

export function createApiClient(options: {
  readonly baseUrl: string;
  readonly adminKey: string;
  readonly fetch?: Fetch;
}): ApiClient {
  const { baseUrl, adminKey } = options;
  const send = options.fetch ?? fetch;
  return {
    baseUrl,
    async send<T>(request: Request): Promise<Answer<T>> {
      const url = urlOf(baseUrl, request.path, request.query);
      let response: Response;
      try {
        response = await send(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${adminKey}`,
            accept: 'application/json',
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new TransportError(`could not reach ${baseUrl}: ${causeOf(error)}`);
      }
      const text = await response.text();
      if (!response.ok) throw refusal(response.status, response.statusText, text);
      if (response.status === 204 || text === '') return { body: undefined as T, text: '' };
      try {
        return { body: JSON.parse(text) as T, text };
      } catch {
        throw new TransportError(
          `${request.method} ${request.path} answered ${response.status} with a body that is not JSON: is ${baseUrl} a Handshake API?`,
        );
      }
    },
  };
}
