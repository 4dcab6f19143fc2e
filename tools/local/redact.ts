import { createHash } from 'node:crypto';

/**
 * Handshake's bearer values: installation keys (`hsk_`), connect links (`hcl_`) and states
 * (`hst_`) — `<prefix>_<installation id>_<43 base64url chars>` — and admin keys (`hsa_`).
 * The `_` after the secret part is excluded so a longer word is never cut in half.
 */
const HANDSHAKE_BEARER =
  /\b(hsk|hcl|hst)_(in_[a-z2-7]{20})_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])|\bhsa_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** A bearer credential of any shape, as in an Authorization header. */
const BEARER_HEADER = /\b(Bearer\s+)[^\s'",;]+/gi;
/** OAuth values that travel in a query string (the callback's code and state). */
const QUERY_SECRET = /([?&](?:code|state|access_token|refresh_token|client_secret)=)[^&\s'"#]+/g;

const shortHash = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12);

/**
 * A log text with every bearer value replaced. Handshake's own tokens keep their kind and
 * installation id and get a short hash instead of the secret (`hcl_in_…_#3f2a…`), so lines about
 * the same link can still be matched up; other bearer values become `[redacted]`.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(HANDSHAKE_BEARER, (token: string, kind?: string, id?: string) =>
      kind === undefined ? `hsa_#${shortHash(token)}` : `${kind}_${id}_#${shortHash(token)}`,
    )
    .replace(BEARER_HEADER, '$1[redacted]')
    .replace(QUERY_SECRET, '$1[redacted]');
}

/**
 * Copies a child process's output line by line with `redactSecrets` applied. Whole lines only,
 * so a token split across two chunks is still recognised; a last line without a newline is
 * written when the stream ends.
 */
export function forwardRedacted(from: NodeJS.ReadableStream, to: { write(text: string): unknown }): void {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    pending += chunk;
    const end = pending.lastIndexOf('\n');
    if (end < 0) return;
    to.write(redactSecrets(pending.slice(0, end + 1)));
    pending = pending.slice(end + 1);
  });
  from.on('end', () => {
    if (pending !== '') to.write(redactSecrets(pending));
  });
}
