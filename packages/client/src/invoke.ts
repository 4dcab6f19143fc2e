/**
 * `invokeTemplate` with FDK's promise semantics: it resolves with `{ status, headers, response,
 * attempts }` when the upstream answered below 400, and rejects with FDK's error object
 * (InvokeError) otherwise — the upstream's own 4xx/5xx (`errorSource: 'APP'`, no `code`), a
 * refusal or failure of Handshake (its envelope's `errorSource` and `code`), a wrong key or
 * installation (the API's error, `attempts: 0`), or Handshake unreachable (`PLATFORM`).
 */
import { HandshakeApiError, InvokeError } from './errors.js';
import { apiError, NOT_JSON, path, send, type Transport } from './http.js';
import type { ErrorSource, InvokeOptions, InvokeResult } from './types.js';

interface Envelope extends InvokeResult {
  readonly errorSource?: ErrorSource;
  readonly code?: string;
}

const isEnvelope = (body: unknown): body is Envelope =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Envelope).status === 'number' &&
  typeof (body as Envelope).response === 'string';

const sourceOf = (status: number): ErrorSource => (status >= 500 ? 'PLATFORM' : 'APP');

function fromApiError(error: HandshakeApiError): InvokeError {
  return new InvokeError({
    status: error.status,
    headers: {},
    response: error.message,
    errorSource: sourceOf(error.status),
    attempts: 0,
    code: error.code,
  });
}

function settle(status: number, body: unknown): InvokeResult {
  if (status === 200 && isEnvelope(body) && body.errorSource === undefined) {
    const result: InvokeResult = {
      status: body.status,
      headers: body.headers ?? {},
      response: body.response,
      attempts: body.attempts ?? 1,
      ...(body.encoding === 'base64' ? { encoding: 'base64' as const } : {}),
    };
    if (body.status < 400) return result;
    throw new InvokeError({ ...result, errorSource: 'APP', code: undefined });
  }
  if (isEnvelope(body) && body.errorSource !== undefined) {
    throw new InvokeError({
      status: body.status,
      headers: body.headers ?? {},
      response: body.response,
      errorSource: body.errorSource,
      attempts: body.attempts ?? 0,
      code: body.code,
    });
  }
  const error =
    apiError({ status, body }) ?? new HandshakeApiError(status, NOT_JSON, `Handshake answered ${status}`);
  throw fromApiError(error);
}

export async function invokeTemplate(
  transport: Transport,
  installationId: string,
  name: string,
  options: InvokeOptions<object> = {},
): Promise<InvokeResult> {
  const { context, body, query, cache, ttl, account, files } = options;
  const request = {
    template: name,
    ...(context === undefined ? {} : { context }),
    ...(body === undefined ? {} : { body }),
    ...(query === undefined ? {} : { query }),
    ...(cache === undefined ? {} : { cache }),
    ...(ttl === undefined ? {} : { ttl }),
    ...(account === undefined ? {} : { account }),
    ...(files === undefined ? {} : { files }),
  };
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    answer = await send(transport, 'POST', path`/installations/${installationId}/invoke`, request);
  } catch (error) {
    if (error instanceof HandshakeApiError) throw fromApiError(error);
    throw error;
  }
  return settle(answer.status, answer.body);
}
