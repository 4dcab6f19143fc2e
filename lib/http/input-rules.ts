/**
 * What every route accepts as text, checked once at the HTTP edge (./request.ts): well-formed
 * Unicode everywhere, and JSON no deeper than MAX_JSON_DEPTH. Both are the caller's mistake, so
 * they are refused with 400 before anything else sees the request: a lone surrogate makes
 * `encodeURIComponent` throw and cannot be written as UTF-8, and a deeply nested body overflows
 * the stack of anything recursive (`JSON.stringify`, validation). Each check returns the problem
 * as a message for the caller, or undefined; it never echoes a value (it may be a secret).
 */

/** The deepest nesting of arrays and objects a JSON body may have; the body itself is level 1. */
export const MAX_JSON_DEPTH = 64;

/** Longest piece of a field name or path quoted in a message. */
const MAX_QUOTED_CHARS = 80;

export type IllFormedReason = 'a lone surrogate' | 'bytes that are not UTF-8';

export const illFormedMessage = (where: string, reason: IllFormedReason = 'a lone surrogate') =>
  `${where} contains ill-formed Unicode (${reason}); send well-formed UTF-16/UTF-8`;

export const tooDeepMessage = (where?: string) =>
  `Request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels${
    where === undefined ? '' : ` (at ${where})`
  }; at most ${MAX_JSON_DEPTH} are allowed`;

/** `text` cut to `max` characters without splitting a surrogate pair. */
function clip(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]$/.test(text.slice(0, max)) ? max - 1 : max;
  return `${text.slice(0, cut)}…`;
}

/**
 * The names and values of a header, query, path-parameter or cookie map.
 * @param label how one field is called in the message ("Header", "Query parameter")
 */
export function fieldsProblem(fields: Readonly<Record<string, string>>, label: string): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (!name.isWellFormed()) return illFormedMessage(`A ${label.toLowerCase()} name`);
    if (!value.isWellFormed()) return illFormedMessage(`${label} ${clip(name)}`);
  }
  return undefined;
}

/** One step from a JSON value to a child, kept as a linked list so paths are built only on failure. */
interface Step {
  readonly parent: Step | undefined;
  readonly key: string | number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `context.name`, `body[3]`, `iparams["a b"]`; "Request body" for the body itself. */
function pathOf(step: Step | undefined): string {
  const keys: Array<string | number> = [];
  for (let at = step; at !== undefined; at = at.parent) keys.push(at.key);
  if (keys.length === 0) return 'Request body';
  let path = '';
  for (const key of keys.reverse()) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (IDENTIFIER.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(clip(key, 30))}]`;
  }
  return clip(path);
}

interface Pending {
  readonly value: object;
  readonly depth: number;
  readonly at: Step | undefined;
}

/**
 * A parsed JSON value, walked with an explicit stack (never recursion, so a hostile depth
 * cannot overflow this check either): every string and key well-formed, no array or object
 * deeper than MAX_JSON_DEPTH. Stops at the first problem.
 */
export function jsonProblem(root: unknown): string | undefined {
  const pending: Pending[] = [];
  const visit = (value: unknown, depth: number, parent: Step | undefined, key?: string | number) => {
    const at = () => (key === undefined ? parent : { parent, key });
    if (typeof value === 'string') return value.isWellFormed() ? undefined : illFormedMessage(pathOf(at()));
    if (typeof value !== 'object' || value === null) return undefined;
    if (depth > MAX_JSON_DEPTH) return tooDeepMessage(pathOf(at()));
    pending.push({ value, depth, at: at() });
    return undefined;
  };
  let problem = visit(root, 1, undefined);
  for (let node = pending.pop(); problem === undefined && node !== undefined; node = pending.pop()) {
    const { value, depth, at } = node;
    if (Array.isArray(value)) {
      for (let index = 0; problem === undefined && index < value.length; index++) {
        problem = visit(value[index], depth + 1, at, index);
      }
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      problem = key.isWellFormed()
        ? visit(child, depth + 1, at, key)
        : illFormedMessage(at === undefined ? 'A top-level key' : `A key in ${pathOf(at)}`);
      if (problem !== undefined) break;
    }
  }
  return problem;
}

/** A `%` not followed by two hex digits: the form decoder keeps it as it is. */
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/** Why a form-encoded name or value is not text, if it is not (decodeURIComponent is strict UTF-8). */
function formPartProblem(part: string): IllFormedReason | undefined {
  if (!part.isWellFormed()) return 'a lone surrogate';
  try {
    decodeURIComponent(part.replace(LONE_PERCENT, '%25'));
    return undefined;
  } catch {
    return 'bytes that are not UTF-8';
  }
}

/**
 * An `application/x-www-form-urlencoded` body, before URLSearchParams decodes it: that decoder
 * silently turns lone surrogates and percent-encoded bytes that are not UTF-8 into U+FFFD,
 * which would change what the person typed. A browser never sends either.
 */
export function formProblem(raw: string): string | undefined {
  for (const pair of raw.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const nameProblem = formPartProblem(name);
    if (nameProblem !== undefined) return illFormedMessage('A form field name', nameProblem);
    const valueProblem = equals < 0 ? undefined : formPartProblem(pair.slice(equals + 1));
    if (valueProblem !== undefined) {
      // The name is well-formed, so the lenient decoder shows it exactly.
      const shown = [...new URLSearchParams(`${name}=`).keys()][0] ?? '';
      return illFormedMessage(`Form field ${clip(shown)}`, valueProblem);
    }
  }
  return undefined;
}
