import type { AccountRecord } from '../accounts/record';
import { urlAllowed } from '../app/allowed-hosts';
import { domainIsFixed, skeletonOf } from '../app/host-skeleton';
import type { AllowedHost, App, RequestTemplate } from '../app/model';
import { referencedNames } from '../app/template/names';
import { type TokenField, tokenAad } from '../crypto/aad';
import type { Sealed } from '../crypto/sealed';
import { TemplateRequestError } from '../errors';
import type { OpenMemo } from '../tokens/open-memo';
import type { Vault } from '../tokens/vault';

/** Never an account fact, whatever keep_fields or a callback says: a template reads tokens as access_token. */
const TOKEN_NAMES = ['access_token', 'refresh_token', 'id_token'];

/**
 * `account.NAME`: the account's oauth_iparams, then its kept fields (captured callback
 * parameters, then kept token-response fields), a later source replacing an earlier name.
 * Opened through the memo, so an account's facts are decrypted once per ciphertext.
 */
export async function accountFacts(
  deps: { readonly vault: () => Promise<Vault>; readonly memo: OpenMemo },
  record: AccountRecord | undefined,
): Promise<Record<string, unknown>> {
  if (record?.status !== 'authorized') return {};
  const { oauthIparams, extra } = record.tokens;
  if (oauthIparams === undefined && extra === undefined) return {};
  const vault = await deps.vault();
  const open = (sealed: Sealed | undefined, field: TokenField): Record<string, unknown> =>
    sealed === undefined
      ? {}
      : JSON.parse(
          deps.memo.open(
            vault,
            sealed,
            tokenAad(record.installationId, record.integration, record.account, field),
          ),
        );
  return factsOf(open(oauthIparams, 'oauth_iparams'), open(extra, 'extra'));
}

/** The facts of an account's oauth_iparams and kept fields, opened (or not yet sealed: an import). */
export function factsOf(
  oauthIparams: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const facts = { ...oauthIparams, ...extra };
  for (const name of TOKEN_NAMES) delete facts[name];
  return facts;
}

/** The allowed_hosts of the template's integration, which a host read from the account must match. */
export const allowedHostsOf = (app: App, template: RequestTemplate): readonly AllowedHost[] | undefined =>
  template.oauth === undefined ? undefined : app.integrations.get(template.oauth)?.settings.allowedHosts;

const refusal = (rendered: string, why: string) =>
  new TemplateRequestError(
    'host',
    `schema.host rendered to ${JSON.stringify(rendered.slice(0, 200))}, which ${why}`,
  );

/**
 * A host read from the account may be a whole URL (Salesforce's `instance_url`): its host is the
 * host and its path a prefix of the template's path. It must use the template's scheme and carry
 * no user information, query or fragment. When it makes up the whole host, the provider (or the
 * browser) chose the server that gets the access token (`chosen`): see `assertAllowed`.
 */
export function accountHost(
  template: RequestTemplate,
  rendered: string,
): { host: string; prefix: string; chosen: boolean } {
  if (!referencedNames(template.host).some((name) => name.root === 'account'))
    return { host: rendered, prefix: '', chosen: false };
  const chosen = !domainIsFixed(skeletonOf(template.host));
  if (!rendered.includes('://')) return { host: rendered, prefix: '', chosen };
  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    throw refusal(rendered, 'is not a valid URL');
  }
  if (url.protocol !== `${template.protocol}:`)
    throw refusal(rendered, `is not a ${template.protocol} URL like the template's`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw refusal(rendered, 'has user information, a query or a fragment');
  return { host: url.host, prefix: url.pathname.replace(/\/+$/, ''), chosen };
}

/** A host the account chose is sent to only when handshake.allowed_hosts names it. */
export function assertAllowed(url: URL, allowed: readonly AllowedHost[] | undefined): void {
  if (allowed === undefined)
    throw refusal(
      url.host,
      'comes from the account, and the integration declares no handshake.allowed_hosts',
    );
  if (!urlAllowed(allowed, url)) throw refusal(url.host, 'is not in handshake.allowed_hosts');
}
