import { providerUrlRefusal } from '../app/allowed-hosts';
import { baseUrlFields, checkBaseUrl, leadingOauthIparam } from '../app/base-url';
import type { Integration } from '../app/model';
import type { Segment, Template } from '../app/template/ast';
import { referencedNames } from '../app/template/names';
import { renderTemplate, type TemplateScope } from '../app/template/render';

/**
 * A value that makes up a provider URL's scheme and host (`<%= account.accounts_server %>/token`):
 * an origin and nothing more. A path, user information, a query or a fragment could move the
 * code, the refresh token and the client secret to another place than the URL's own path.
 */
export const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** An account fact elsewhere in a provider URL: one word, which can end neither the host nor the path. */
const WORD = /^[A-Za-z0-9._~-]*$/;

export interface ProviderUrlScope {
  readonly oauthIparams: Readonly<Record<string, string>>;
  /** `account.NAME` as known at this point (lib/accounts/facts.ts). */
  readonly account: Readonly<Record<string, unknown>>;
}

export const templateScope = (scope: ProviderUrlScope): TemplateScope => ({
  oauth_iparams: scope.oauthIparams,
  account: scope.account,
});

/** Why one expression's value may not stand where it stands in the URL, if it may not. */
function valueRefusal(
  segment: Segment,
  index: number,
  scope: TemplateScope,
  baseUrl: boolean,
): string | undefined {
  if (segment.kind !== 'expr') return undefined;
  const value = renderTemplate({ source: '', segments: [segment] }, scope);
  // A base URL (a `url` field the connect page checked, lib/app/base-url.ts) may carry a path.
  if (index === 0 && baseUrl)
    return typeof checkBaseUrl(value, () => true) === 'string' ? undefined : 'its base URL is not one';
  if (index === 0)
    return ORIGIN.test(value) ? undefined : 'the value that makes up its scheme and host is not an origin';
  const fromAccount = referencedNames({ source: '', segments: [segment] }).some((n) => n.root === 'account');
  // `..` is a word but walks up the provider's path.
  const word = WORD.test(value) && value !== '.' && value !== '..';
  return fromAccount && !word ? 'an account fact in it is more than one word' : undefined;
}

/**
 * A token, refresh or revocation URL rendered for one account, or why nothing may be sent to it:
 * the values are checked where they stand, then the host against handshake.allowed_hosts.
 */
export function renderProviderUrl(
  integration: Integration,
  template: Template,
  scope: ProviderUrlScope,
  clientSecret: string,
): { readonly url: string } | { readonly refusal: string } {
  const values = templateScope(scope);
  let url: string;
  try {
    const leading = leadingOauthIparam(template);
    const baseUrl = leading !== undefined && baseUrlFields(integration.oauthIparams, [template]).has(leading);
    const refusal = template.segments
      .map((s, i) => valueRefusal(s, i, values, baseUrl))
      .find((r) => r !== undefined);
    if (refusal !== undefined) return { refusal: `the provider URL was not sent: ${refusal}` };
    url = renderTemplate(template, values);
  } catch {
    return { refusal: 'the provider URL was not sent: a value in it is not text' };
  }
  const refusal = providerUrlRefusal(integration, template, url, {
    clientSecret,
    oauthIparams: scope.oauthIparams,
  });
  return refusal === undefined ? { url } : { refusal };
}
