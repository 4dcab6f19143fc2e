/**
 * How the envelope carries the upstream's body. FDK answers it as a string and refuses what is
 * not text; Handshake answers text the same way and every other body base64, marked so, so a
 * PDF or an image comes back byte for byte instead of as mangled UTF-8.
 */

export interface EnvelopeBody {
  readonly response: string;
  /** Present only for a body that is not text: `response` is then its bytes in base64. */
  readonly encoding?: 'base64';
}

/** Media types read as text besides `text/*`: JSON, XML, form-encoded, and what FDK lists. */
const TEXT_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/jsonp',
  'application/x-ndjson',
  'application/javascript',
  'application/ecmascript',
  'application/xml',
  'application/x-www-form-urlencoded',
]);
/** Structured-syntax suffixes (RFC 6839) of text formats: `application/vnd.api+json`, `image/svg+xml`. */
const TEXT_SUFFIXES = ['+json', '+xml'];

/** `type/subtype` in lower case, without parameters; undefined when there is none to read. */
function mediaType(contentType: string | undefined): string | undefined {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[^\s/]+\/[^\s/]+$/.test(essence) ? essence : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a body with this Content-Type is text. Without a readable Content-Type the bytes
 * decide: valid UTF-8 is text (what every such answer was until now), anything else is not.
 */
export function isTextBody(contentType: string | undefined, body: Uint8Array): boolean {
  const type = mediaType(contentType);
  if (type === undefined) return isUtf8(body);
  return (
    type.startsWith('text/') || TEXT_TYPES.has(type) || TEXT_SUFFIXES.some((suffix) => type.endsWith(suffix))
  );
}

/** The envelope's `response` (and `encoding`) for an upstream body. */
export function envelopeBody(contentType: string | undefined, body: Buffer): EnvelopeBody {
  if (isTextBody(contentType, body)) return { response: body.toString('utf8') };
  return { response: body.toString('base64'), encoding: 'base64' };
}

/**
 * The bytes an envelope takes in the Lambda's answer, where it is the `body` string of the
 * proxy result: JSON inside JSON, so each quote or backslash of the envelope is escaped again
 * (a JSON upstream body's quotes cost 4 bytes each). Base64 escapes to nothing: a binary body
 * costs 4/3 of its bytes.
 */
export const answerBytes = (envelope: unknown): number =>
  Buffer.byteLength(JSON.stringify(JSON.stringify(envelope)), 'utf8');
