import type { Refusal } from './errors';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 field-value: visible characters, space, tab and obs-text. Above all no CR/LF: a
// value holding one would start a header (or a request) of its own.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// The host is the URL's and the framing is the HTTP client's: a caller cannot redirect the
// request to another virtual host or smuggle a second message.
const RESERVED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Refuse header names and values that could change where or how the request is sent. */
export function checkRequestHeaders(headers: Readonly<Record<string, string>>): Refusal | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return { reason: 'header', message: 'a header name is not a valid HTTP token' };
    if (RESERVED.has(name.toLowerCase())) {
      return {
        reason: 'header',
        message: `the ${name.toLowerCase()} header is set by Handshake, not by a request`,
      };
    }
    // The value is never repeated: it may be a token.
    if (!FIELD_VALUE.test(value)) {
      return { reason: 'header', message: `the ${name} header has a CR, LF or another control character` };
    }
  }
  return undefined;
}

// Several Set-Cookie lines cannot be joined with ', ' (Expires dates contain one); a newline
// cannot occur inside a header value, so it keeps each cookie intact.
const SET_COOKIE_SEPARATOR = '\n';

/**
 * Response headers as one string per lower-case name: repeated headers joined with ', '
 * (RFC 9110 §5.3), except Set-Cookie, joined with '\n'.
 */
export function responseHeaders(
  raw: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] =
      typeof value === 'string' ? value : value.join(key === 'set-cookie' ? SET_COOKIE_SEPARATOR : ', ');
  }
  return headers;
}
