/**
 * FDK's path semantics, confined. FDK substitutes values into `schema.path` as text, so a value
 * may add segments or start the query; Handshake does the same, then checks the rendered path
 * rather than trusting it: it must stay under the template's literal prefix, with nothing a URL
 * parser or an upstream could later read as another place (SPEC §6, issue 17).
 */

/** C0 controls, DEL and C1 controls: never part of a path (CR/LF split requests, NUL truncates). */
const isControl = (text: string): boolean =>
  [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
/** An encoded separator or dot segment as sent: `%2f`, `%5c`, `%2e%2e`. */
const ENCODED_SEPARATOR = /%2f|%5c|%2e%2e/i;
/** What decoding once must not leave behind: a second layer (`%252e` → `%2e`). */
const STILL_ENCODED = /%2e|%2f|%5c/i;
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}$/;
/** RFC 3986 pchar and `/`, kept as they are; everything else is percent-encoded (UTF-8). */
const PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;

const strict = new TextDecoder('utf-8', { fatal: true });

/** Percent-decodes once; undefined when the escapes are not UTF-8 (overlong `%c0%ae` included). */
export function decodeOnce(text: string): string | undefined {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; ) {
    const triple = text.slice(index, index + 3);
    if (PERCENT_ESCAPE.test(triple)) {
      bytes.push(Number.parseInt(triple.slice(1), 16));
      index += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(index) ?? 0);
      bytes.push(...Buffer.from(char, 'utf8'));
      index += char.length;
    }
  }
  try {
    return strict.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

const isDotSegment = (segment: string): boolean => segment === '.' || segment === '..';

/** RFC 3986 remove_dot_segments, on `/`-separated segments (the path starts with `/`). */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (segment === '..') out.pop();
    if (isDotSegment(segment)) {
      if (index === segments.length - 1) out.push('');
    } else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** The template's literal text up to its first expression, as far as it is path (before `?`). */
export function literalPrefix(texts: readonly string[]): string {
  const prefix = texts.join('');
  const query = prefix.indexOf('?');
  return query === -1 ? prefix : prefix.slice(0, query);
}

/**
 * Why a rendered `schema.path` (path and, after `?`, query) cannot be sent, or undefined when it
 * can. `prefix` is the template's literal text before its first expression (see literalPrefix).
 */
export function pathProblem(rendered: string, prefix: string): string | undefined {
  if (!rendered.isWellFormed()) return 'ill-formed Unicode (a lone surrogate)';
  if (isControl(rendered)) return 'a control character (CR, LF, NUL, …)';
  if (rendered.includes('#')) return 'a fragment (#)';
  const path = rendered.split('?', 1)[0] ?? '';
  if (!path.startsWith('/')) return 'a path that does not start with /';
  if (path.includes('\\')) return 'a backslash';
  if (ENCODED_SEPARATOR.test(path)) return 'an encoded separator or dot segment (%2f, %5c, %2e%2e)';
  // NFKC folds the look-alikes some servers fold too: a fullwidth `．．`, `／` or `＼`.
  const decoded = decodeOnce(path)?.normalize('NFKC');
  if (decoded === undefined) return 'a percent-encoded sequence that is not UTF-8';
  if (isControl(decoded) || decoded.includes('\\') || decoded.includes('#'))
    return 'a control character, backslash or # once decoded';
  if (STILL_ENCODED.test(decoded)) return 'a double-encoded separator or dot (%252e, %252f, %255c)';
  const within = (decodeOnce(prefix) ?? prefix).normalize('NFKC');
  if (!removeDotSegments(decoded).startsWith(within)) return `a path outside the template's "${prefix}"`;
  if (decoded.split('/').some(isDotSegment)) return 'a "." or ".." segment';
  return undefined;
}

/**
 * The path as sent: what may stand in a URL path kept as is (a `%XX` escape too, as FDK sends
 * the text), everything else percent-encoded. Only after pathProblem found nothing.
 */
export function encodePath(path: string): string {
  let out = '';
  for (let index = 0; index < path.length; ) {
    const triple = path.slice(index, index + 3);
    if (PERCENT_ESCAPE.test(triple)) {
      out += triple;
      index += 3;
      continue;
    }
    const char = String.fromCodePoint(path.codePointAt(index) ?? 0);
    out += PATH_CHAR.test(char) ? char : encodeURIComponent(char);
    index += char.length;
  }
  return out;
}
