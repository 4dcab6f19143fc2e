import type { Integration } from '../app/model';
import { InvalidInputError } from '../errors';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
export const MAX_EXTRA_SCOPES = 50;
export const MAX_SCOPE_LENGTH = 256;

const ALLOWED = `up to ${MAX_EXTRA_SCOPES} scope tokens of at most ${MAX_SCOPE_LENGTH} printable ASCII characters each, without space, '"' or '\\' (RFC 6749 section 3.3)`;

const refuse = (field: string, why: string) =>
  new InvalidInputError(`Invalid connect link: ${field} ${why}; allowed: ${ALLOWED}`, {
    details: [{ field, message: `${why}; allowed: ${ALLOWED}` }],
  });

/**
 * A connect link's extra scopes, checked when the link is made. A token holding the integration's
 * `scope_separator` (a ',' for some providers) would be two scopes: refused too.
 */
export function checkExtraScopes(integration: Integration, scopes: readonly string[]): string[] {
  if (scopes.length > MAX_EXTRA_SCOPES) throw refuse('scopes', `has ${scopes.length} entries`);
  const separator = integration.settings.scopeSeparator;
  scopes.forEach((scope, index) => {
    const field = `scopes[${index}]`;
    if (scope.length > MAX_SCOPE_LENGTH) throw refuse(field, `is longer than ${MAX_SCOPE_LENGTH} characters`);
    if (!SCOPE_TOKEN.test(scope)) throw refuse(field, 'is not a scope token');
    if (separator !== '' && scope.includes(separator))
      throw refuse(field, `contains the integration's scope separator ${JSON.stringify(separator)}`);
  });
  return [...new Set(scopes)];
}

/**
 * What one connection asks for: the integration's `options.scope`, then the link's extra scopes
 * not already in it, joined with `handshake.scope_separator`. Undefined when there is neither.
 */
export function requestedScope(integration: Integration, extra: readonly string[]): string | undefined {
  const separator = integration.settings.scopeSeparator;
  const base = integration.options.scope;
  if (extra.length === 0) return base;
  const have = new Set(base === undefined || base === '' ? [] : base.split(separator));
  const added = extra.filter((scope) => !have.has(scope));
  if (added.length === 0) return base;
  return [...(base === undefined || base === '' ? [] : [base]), ...added].join(separator);
}
