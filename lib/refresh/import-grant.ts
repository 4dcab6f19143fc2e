import { DEAD_GRANT_ERRORS } from '../accounts/decisions';
import type { EventPolicy } from '../accounts/events';
import { accountFor } from '../accounts/label';
import type { AccountKey } from '../accounts/record';
import { type AccountView, accountView } from '../accounts/view';
import { grantedIntegrationNamed } from '../app/lookup';
import type { App, Integration } from '../app/model';
import { checkConnectForm } from '../connect/connect-fields';
import { storeAuthorizedTokens } from '../connect/store-authorized';
import { InvalidInputError, UnavailableError } from '../errors';
import { loadInstallation } from '../installations/service';
import type { ParsedTokens } from '../oauth/token-response';
import type { AccountStore, InstallationRecord, InstallationStore } from '../store/ports';
import type { Vault } from '../tokens/vault';
import { askProvider, type RefreshDeps } from './refresh-account';

/** `validate: { "template": …, "context": … }` of the import's body. */
export interface ValidationCall {
  readonly template: string;
  readonly context: Readonly<Record<string, unknown>>;
}

/** The grant as imported: its access token and the account facts a template may read. */
export interface ImportedGrant {
  readonly accessToken: string;
  readonly oauthIparams: Readonly<Record<string, unknown>>;
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * One call of `call.template` with the grant's access token, resolving to its 2xx status and
 * throwing the refusal otherwise (lib/invoke/import-call.ts, handed over by the wiring).
 */
export type CallTemplate = (
  installation: InstallationRecord,
  integration: Integration,
  call: ValidationCall,
  grant: ImportedGrant,
) => Promise<number>;

export interface ImportGrantDeps extends Pick<RefreshDeps, 'secrets' | 'egress' | 'tokenTimeoutMs'> {
  readonly app: App;
  readonly installations: Pick<InstallationStore, 'get'>;
  readonly accounts: Pick<AccountStore, 'get' | 'put'>;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  readonly events: EventPolicy;
  readonly callTemplate: CallTemplate;
}

/** The expiry as the exporter knows it: an absolute time, a lifetime from now, or neither. */
export type ImportedExpiry =
  | { readonly kind: 'at'; readonly at: number }
  | { readonly kind: 'in'; readonly seconds: number }
  | { readonly kind: 'unknown' };

/** POST /installations/{id}/integrations/{name}/import, parsed at the edge (lib/api/import-grant.ts). */
export interface ImportGrantInput {
  readonly installationId: string;
  readonly integration: string;
  /** `default` unless given; required for an agent-level integration. */
  readonly account?: string | undefined;
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly expiry: ImportedExpiry;
  readonly scope?: string | undefined;
  readonly tokenType?: string | undefined;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly oauthIparams: Readonly<Record<string, string>>;
  /** `refresh`: one refresh; a call: one call of a template of the integration; `none`: stored as given. */
  readonly validate: 'refresh' | 'none' | ValidationCall;
}

export interface ImportGrantResult {
  /**
   * `refreshed`: validated by one refresh, whose tokens are the ones stored; `validated`: by
   * one call of a template, the grant stored as given.
   */
  readonly outcome: 'imported' | 'refreshed' | 'validated';
  /** Whether a grant was there before (it is replaced, as a reconnect replaces it). */
  readonly replaced: boolean;
  readonly account: AccountView;
}

const refuse = (field: string, message: string): InvalidInputError =>
  new InvalidInputError(`Invalid grant import: ${field}: ${message}; nothing was stored`, {
    details: [{ field, message }],
  });

/**
 * The account facts a handshake would have gathered, held to the same rules as the connect
 * form; the oauth_iparams as the form would have kept them (trimmed, empty ones dropped).
 */
function checkAccountFacts(integration: Integration, input: ImportGrantInput): Record<string, string> {
  const known = new Set(integration.oauthIparams.map((field) => field.name));
  for (const name of Object.keys(input.oauthIparams)) {
    if (!known.has(name))
      throw refuse(`oauth_iparams.${name}`, `"${integration.name}" has no such oauth_iparam`);
  }
  const checked = checkConnectForm(integration, new URLSearchParams({ ...input.oauthIparams }));
  const [problem] = Object.entries(checked.errors);
  if (problem !== undefined) throw refuse(`oauth_iparams.${problem[0]}`, problem[1]);
  const { keepFields, callbackParams, callbackFactNames } = integration.settings;
  const facts = callbackParams.map((name) => callbackFactNames[name] ?? name);
  const kept = [...keepFields, ...facts];
  // A dotted keep field (`team.id`) is kept nested, under its first name (`team`); a callback parameter under its fact name.
  const roots = new Set([...keepFields.map((field) => field.split('.')[0]), ...facts]);
  for (const name of Object.keys(input.extra)) {
    if (!roots.has(name)) {
      throw refuse(
        `extra.${name}`,
        `not one of "${integration.name}"'s keep_fields or callback_params (${kept.join(', ') || 'none'})`,
      );
    }
  }
  return checked.values;
}

/** The token set as a token response would have given it, its expiry made absolute. */
function importedTokens(integration: Integration, input: ImportGrantInput, now: number): ParsedTokens {
  const { expiry } = input;
  const lifetime = integration.settings.defaultLifetimeSeconds;
  const expiresAt =
    expiry.kind === 'at'
      ? expiry.at
      : expiry.kind === 'in'
        ? now + expiry.seconds * 1000
        : lifetime === null
          ? undefined
          : now + lifetime * 1000;
  if (expiresAt !== undefined && expiresAt <= now && input.refreshToken === undefined) {
    throw refuse('expires_at', 'the access token has expired and there is no refresh_token to renew it');
  }
  if (input.validate === 'refresh' && input.refreshToken === undefined) {
    throw refuse('validate', '"refresh" needs a refresh_token');
  }
  if (typeof input.validate === 'object' && expiresAt !== undefined && expiresAt <= now) {
    throw refuse(
      'validate',
      'the access token has expired, so a call cannot validate it; validate by "refresh"',
    );
  }
  return {
    accessToken: input.accessToken,
    refreshToken: input.refreshToken,
    expiresAt,
    tokenType: input.tokenType,
    scope: input.scope,
    extra: input.extra,
  };
}

/**
 * One refresh with the imported refresh token, before anything is stored: the provider's
 * answer is the grant stored, and a refusal stores nothing. No lease is needed — the token is in
 * no record yet, so no sweep or invoke can be refreshing it.
 */
async function validated(
  deps: ImportGrantDeps,
  integration: Integration,
  oauthIparams: Readonly<Record<string, string>>,
  tokens: ParsedTokens & { readonly refreshToken: string },
): Promise<ParsedTokens> {
  const answer = await askProvider(deps, integration, {
    refreshToken: tokens.refreshToken,
    oauthIparams,
    extra: tokens.extra,
  });
  if (answer.kind === 'tokens') {
    const fresh = answer.tokens;
    // As a refresh keeps them (lib/accounts/transitions.ts, refreshed): a provider that does
    // not rotate sends no refresh token, and kept fields it does not repeat stay.
    return {
      ...fresh,
      refreshToken: fresh.refreshToken ?? tokens.refreshToken,
      tokenType: fresh.tokenType ?? tokens.tokenType,
      scope: fresh.scope ?? tokens.scope,
      extra: { ...tokens.extra, ...fresh.extra },
    };
  }
  if (answer.kind === 'rejected') {
    const said = answer.description === undefined ? answer.error : `${answer.error}: ${answer.description}`;
    // A dead grant is the token's fault; another refusal (invalid_client…) is the setup's.
    if (DEAD_GRANT_ERRORS.has(answer.error))
      throw refuse('refresh_token', `the provider refused it (${said})`);
    throw refuse('validate', `the provider refused the refresh (${said}); check the integration's client`);
  }
  throw new UnavailableError(
    `The refresh that validates this grant did not complete (${answer.reason}); nothing was stored, try again`,
  );
}

/**
 * Stores a grant issued elsewhere (FDK, another broker) as the account's token set, through
 * the same write as a completed handshake: sealed, version-conditioned, `account.authorized`
 * in the same transaction. Every refusal happens before that one write.
 */
export async function importGrant(
  deps: ImportGrantDeps,
  input: ImportGrantInput,
): Promise<ImportGrantResult> {
  const installation = await loadInstallation(deps, input.installationId);
  const integration = grantedIntegrationNamed(deps, input.integration, 'a grant import');
  const key: AccountKey = {
    installationId: input.installationId,
    integration: integration.name,
    account: accountFor(integration, input.account),
  };
  const oauthIparams = checkAccountFacts(integration, input);
  const given = importedTokens(integration, input, deps.now().getTime());
  const tokens =
    input.validate === 'refresh' && given.refreshToken !== undefined
      ? await validated(deps, integration, oauthIparams, { ...given, refreshToken: given.refreshToken })
      : given;
  if (typeof input.validate === 'object') {
    await deps.callTemplate(installation, integration, input.validate, {
      accessToken: given.accessToken,
      oauthIparams,
      extra: given.extra ?? {},
    });
  }
  const writer = { accounts: deps.accounts, vault: await deps.vault(), now: deps.now, events: deps.events };
  const record = await storeAuthorizedTokens(writer, integration, key, tokens, oauthIparams, {
    imported: true,
  });
  return {
    outcome: tokens !== given ? 'refreshed' : typeof input.validate === 'object' ? 'validated' : 'imported',
    replaced: record.version > 1,
    account: accountView(record),
  };
}
