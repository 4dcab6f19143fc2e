import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError, NamedError, PayloadTooLargeError } from '../errors';
import { fieldsProblem, formProblem, illFormedMessage, jsonProblem, tooDeepMessage } from './input-rules';

/** An API Gateway HTTP API (payload 2.0) request, parsed once and typed. */
export interface HttpRequest {
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Request cookies by name (payload 2.0 sends them in `cookies`, not in a header). */
  readonly cookies: Readonly<Record<string, string>>;
  /** The body as text (base64 already decoded); undefined when there is none. */
  readonly rawBody: string | undefined;
  readonly requestId: string;
  /** The domain API Gateway was called on (its own, or a custom domain). */
  readonly domainName: string | undefined;
  /** The client's address as API Gateway saw it (not a header the client can set). */
  readonly sourceIp?: string | undefined;
}

/**
 * The body cannot be read as the route's format: there is none, it is not JSON, or it has
 * another media type. HTTP's own refusal (lib/http/error-status.ts gives it its codes); what
 * a readable body says wrong is an InvalidInputError.
 */
export class UnreadableBodyError extends NamedError {
  override readonly name: string = 'UnreadableBodyError';

  constructor(
    readonly problem: 'missing' | 'not_json' | 'media_type',
    message: string,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  readonly maxBodyBytes: number;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

function definedEntries(record: Record<string, string | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(record ?? {})) if (value !== undefined) result[name] = value;
  return result;
}

function parseCookies(pairs: readonly string[]): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (name !== '' && !Object.hasOwn(cookies, name)) cookies[name] = pair.slice(at + 1).trim();
  }
  return cookies;
}

/** Throws the refusal of an input rule (./input-rules.ts), if there is one. */
function refuse(problem: string | undefined): void {
  if (problem !== undefined) throw new InvalidInputError(problem);
}

// Fatal: invalid bytes are refused rather than turned into U+FFFD, which would change the
// caller's data unseen. ignoreBOM keeps a BOM in the text, as Buffer#toString did.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A base64 body as text; API Gateway sends a text body as is, already decoded. */
function decodeBase64Body(body: string): string {
  try {
    return UTF8.decode(Buffer.from(body, 'base64'));
  } catch {
    throw new InvalidInputError(illFormedMessage('Request body', 'bytes that are not UTF-8'));
  }
}

/** Path, path parameters, query, headers and cookies: well-formed Unicode, on every route. */
function checkFields(request: HttpRequest): void {
  refuse(request.path.isWellFormed() ? undefined : illFormedMessage('The path'));
  refuse(fieldsProblem(request.pathParameters, 'Path parameter'));
  refuse(fieldsProblem(request.query, 'Query parameter'));
  refuse(fieldsProblem(request.headers, 'Header'));
  refuse(fieldsProblem(request.cookies, 'Cookie'));
}

export function parseRequest(event: APIGatewayProxyEventV2, options: ParseOptions): HttpRequest {
  // serverless-offline (and some proxies) send `body: null` for a request without one.
  const body =
    typeof event.body !== 'string' || event.body === ''
      ? undefined
      : event.isBase64Encoded
        ? decodeBase64Body(event.body)
        : event.body;
  if (body !== undefined && Buffer.byteLength(body, 'utf8') > options.maxBodyBytes) {
    throw new PayloadTooLargeError(Buffer.byteLength(body, 'utf8'), options.maxBodyBytes);
  }
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  const request: HttpRequest = {
    routeKey: event.routeKey ?? `${method} ${path}`,
    method,
    path,
    pathParameters: definedEntries(event.pathParameters),
    headers: lowerCaseHeaders(event.headers),
    query: definedEntries(event.queryStringParameters),
    cookies: parseCookies(event.cookies ?? (event.headers?.cookie ?? '').split(';')),
    rawBody: body,
    requestId: event.requestContext?.requestId ?? 'unknown',
    domainName: event.requestContext?.domainName,
    sourceIp: event.requestContext?.http?.sourceIp,
  };
  checkFields(request);
  return request;
}

/**
 * The JSON body of a request. A body that is not JSON is refused with a code the caller can
 * act on; the parser's own message is not echoed because it quotes the body, which may hold
 * secrets (secure iparams). A parsed body is checked against the input rules (well-formed
 * Unicode, at most MAX_JSON_DEPTH levels) before any route code, recursive or not, reads it.
 */
export function jsonBody(request: HttpRequest, { required }: { required: boolean }): unknown {
  if (request.rawBody === undefined || request.rawBody.trim() === '') {
    if (required) throw new UnreadableBodyError('missing', 'Request body is required: a JSON object');
    return undefined;
  }
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new UnreadableBodyError(
      'media_type',
      `Content-Type "${type}" is not accepted; send application/json`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody) as unknown;
  } catch (error) {
    // V8 parses iteratively, but should a parser run out of stack on a deep body, say so.
    if (error instanceof RangeError) throw new InvalidInputError(tooDeepMessage());
    throw new UnreadableBodyError('not_json', 'Request body is not valid JSON; send a JSON object');
  }
  refuse(jsonProblem(parsed));
  return parsed;
}

/** An HTML form post (`application/x-www-form-urlencoded`); an empty body is an empty form. */
export function formBody(request: HttpRequest): URLSearchParams {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new UnreadableBodyError(
      'media_type',
      'Send the form as application/x-www-form-urlencoded, as a browser does',
    );
  }
  const raw = request.rawBody ?? '';
  refuse(formProblem(raw));
  return new URLSearchParams(raw);
}
