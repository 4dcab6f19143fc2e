import type { HandshakeSettings } from '../app/model';

/** What a token endpoint answered, normalized. Tokens are plaintext: keep them in memory only. */
export interface ParsedTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Epoch ms; undefined when the provider gave no expiry and no default lifetime applies. */
  readonly expiresAt: number | undefined;
  readonly tokenType: string | undefined;
  readonly scope: string | undefined;
  /** The integration's keep_fields found in the response. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface ProviderErrorBody {
  readonly error: string;
  readonly description: string | undefined;
}

/** JSON, or the form encoding some providers (GitHub without Accept) answer with. */
export function parseBody(
  text: string,
  contentType: string | undefined,
): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (contentType?.includes('x-www-form-urlencoded') || !/^[{[]/.test(trimmed)) {
    const form = new URLSearchParams(trimmed);
    return form.size === 0 ? undefined : Object.fromEntries(form);
  }
  try {
    const json: unknown = JSON.parse(trimmed);
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function at(body: Readonly<Record<string, unknown>>, path: string): unknown {
  return path.split('.').reduce<unknown>((holder, key) => {
    if (typeof holder !== 'object' || holder === null || !Object.hasOwn(holder, key)) return undefined;
    return (holder as Record<string, unknown>)[key];
  }, body);
}

/**
 * Sets `path` in `kept`, nesting as the response did (`team.id` → `{ team: { id } }`), so a kept
 * leaf reads the same way as in the response. Objects on the way are copied, never the response's
 * own; defineProperty, because a path may spell `__proto__`.
 */
function keepAt(kept: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() ?? path;
  let holder = kept;
  for (const key of keys) {
    const existing = Object.hasOwn(holder, key) ? holder[key] : undefined;
    const next =
      typeof existing === 'object' && existing !== null && !Array.isArray(existing)
        ? { ...(existing as Record<string, unknown>) }
        : {};
    Object.defineProperty(holder, key, { value: next, enumerable: true, writable: true, configurable: true });
    holder = next;
  }
  Object.defineProperty(holder, last, { value, enumerable: true, writable: true, configurable: true });
}

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const UNIT_MS = { seconds: 1000, milliseconds: 1, minutes: 60_000 } as const;

/** `expires_in` as a number or a numeric string (both are seen in the wild); anything else is absent. */
function expiresIn(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}

/** From here on a number is read as epoch milliseconds: in seconds it would be past the year 5000. */
const EPOCH_MS_FROM = 1e11;

/**
 * `expires_at` as epoch seconds (a number or numeric string; milliseconds past EPOCH_MS_FROM)
 * or an ISO 8601 date. A time not after `now` is absent: an answer that is expired on arrival
 * is a clock or format problem, and trusting it would refresh on every sweep.
 */
function expiresAtValue(value: unknown, now: number): number | undefined {
  const text = typeof value === 'string' ? value.trim() : undefined;
  const number = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : value;
  const epochMs =
    typeof number === 'number' && Number.isFinite(number)
      ? Math.round(number >= EPOCH_MS_FROM ? number : number * 1000)
      : text !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(text)
        ? Date.parse(text)
        : Number.NaN;
  return Number.isFinite(epochMs) && epochMs > now ? epochMs : undefined;
}

// Built from code points: a regex literal with control characters trips the linter for no gain.
const CONTROL_CHARACTERS = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(31)}${String.fromCharCode(127)}]+`,
  'g',
);

/** Printable, bounded provider text for pages and the account's lastError. */
export const cleanProviderText = (value: unknown, max = 300): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.replace(CONTROL_CHARACTERS, ' ').trim().slice(0, max)
    : undefined;

/** An OAuth error body (`error`, `error_description`), if that is what this is. */
export function providerError(
  body: Readonly<Record<string, unknown>> | undefined,
): ProviderErrorBody | undefined {
  const error = cleanProviderText(body?.error, 100);
  if (error === undefined) return undefined;
  return { error, description: cleanProviderText(body?.error_description) };
}

/** The token set in a successful response, or undefined when there is no access token in it. */
export function parseTokens(
  body: Readonly<Record<string, unknown>>,
  settings: HandshakeSettings,
  now: number,
): ParsedTokens | undefined {
  const paths = settings.tokenResponse;
  const accessToken = nonEmptyString(at(body, paths.accessToken));
  if (accessToken === undefined) return undefined;
  const lifetime = expiresIn(at(body, paths.expiresIn));
  const absolute = lifetime === undefined ? expiresAtValue(at(body, paths.expiresAt), now) : undefined;
  const expiresAt =
    lifetime !== undefined
      ? now + Math.round(lifetime * UNIT_MS[settings.expiresInUnit])
      : (absolute ??
        (settings.defaultLifetimeSeconds === null
          ? undefined
          : now + settings.defaultLifetimeSeconds * 1000));
  const rawScope = at(body, paths.scope);
  const scope = Array.isArray(rawScope)
    ? rawScope.filter((s): s is string => typeof s === 'string').join(settings.scopeSeparator)
    : nonEmptyString(rawScope);
  const extra: Record<string, unknown> = {};
  for (const field of settings.keepFields) {
    const value = at(body, field);
    if (value !== undefined) keepAt(extra, field, value);
  }
  return {
    accessToken,
    refreshToken: nonEmptyString(at(body, paths.refreshToken)),
    expiresAt,
    tokenType: nonEmptyString(at(body, paths.tokenType)),
    scope,
    extra,
  };
}
