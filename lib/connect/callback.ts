import { factsOf } from '../accounts/facts';
import { renderTemplate } from '../app';
import type { Integration } from '../app/model';
import { type StateField, stateAad } from '../crypto/aad';
import { hashKey, installationIdFromConnectToken } from '../crypto/keys';
import type { Sealed } from '../crypto/sealed';
import { NamedError, NotFoundError } from '../errors';
import {
  type ClientCredentials,
  ClientNotConfiguredError,
  clientCredentials,
} from '../oauth/client-credentials';
import { callTokenEndpoint, type TokenResult } from '../oauth/token-endpoint';
import { cleanProviderText, type ParsedTokens } from '../oauth/token-response';
import { logger } from '../observability/logger';
import type { PendingRecord } from '../store/ports';
import { clearBrowserBinding, isSameBrowser } from './browser-binding';
import { callbackFacts, withCallbackParams } from './callback-params';
import { logClientNotConfigured } from './client-setup';
import { type ConnectDeps, redirectUri } from './deps';
import { expectedIssuer, issuerProblem } from './issuer';
import { storeAuthorizedTokens } from './store-authorized';

/** Why a callback was refused before anything was exchanged. */
export type StateProblem = 'missing' | 'invalid' | 'used' | 'expired' | 'link_used' | 'other_browser';

export type CallbackResult =
  | { readonly kind: 'state_problem'; readonly problem: StateProblem; readonly clearCookie?: string }
  | {
      readonly kind: 'done';
      readonly success: boolean;
      /** `access_denied`, `invalid_grant`, `issuer_mismatch`…; undefined on success. */
      readonly error?: string | undefined;
      readonly description?: string | undefined;
      /** Which side failed, for the page: the person/provider, or this deployment. */
      readonly failedAt?: 'provider' | 'deployment' | undefined;
      readonly installationId: string;
      readonly integration: Integration;
      readonly account: string;
      readonly returnUrl: string | undefined;
      /** Removes the browser-binding cookie. */
      readonly clearCookie: string;
    };

export interface CallbackRequest {
  readonly query: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
}

type CallbackQuery = CallbackRequest['query'];

function done(
  deps: Pick<ConnectDeps, 'publicUrl'>,
  state: PendingRecord,
  integration: Integration,
  outcome: Pick<Extract<CallbackResult, { kind: 'done' }>, 'success' | 'error' | 'description' | 'failedAt'>,
): CallbackResult {
  return {
    kind: 'done',
    ...outcome,
    installationId: state.installationId,
    integration,
    account: state.account,
    returnUrl: state.data.returnUrl,
    clearCookie: clearBrowserBinding(state.hash, redirectUri(deps)),
  };
}

/**
 * GET /oauth/callback. The state is spent first (with its link, atomically), so a replayed
 * callback never reaches the token endpoint and a code is exchanged at most once.
 */
export async function handleCallback(deps: ConnectDeps, request: CallbackRequest): Promise<CallbackResult> {
  const { query } = request;
  const stateToken = query.state;
  if (stateToken === undefined || stateToken === '') return { kind: 'state_problem', problem: 'missing' };
  const installationId = installationIdFromConnectToken('state', stateToken);
  if (installationId === undefined) return { kind: 'state_problem', problem: 'invalid' };
  const stateHash = hashKey(stateToken);
  const now = deps.now().getTime();

  const state = await deps.pending.get('state', installationId, stateHash);
  if (state === undefined) return { kind: 'state_problem', problem: 'invalid' };
  // Checked before anything is spent: a victim lured into someone else's authorization burns nothing.
  if (!isSameBrowser(request.cookies, stateHash, state.data.browserHash)) {
    return { kind: 'state_problem', problem: 'other_browser' };
  }
  const integration = deps.app.integrations.get(state.integration);
  if (integration === undefined) return { kind: 'state_problem', problem: 'invalid' };

  if (query.error !== undefined) {
    // The person said no (or the provider refused): the state is spent, the link stays usable.
    const consumed = await deps.pending.consume('state', installationId, stateHash, now);
    if (consumed.outcome !== 'consumed')
      return { kind: 'state_problem', problem: stateProblem(consumed.outcome) };
    return done(deps, consumed.record, integration, {
      success: false,
      error: cleanProviderText(query.error, 100) ?? 'error',
      description: cleanProviderText(query.error_description),
      failedAt: 'provider',
    });
  }

  const consumed = await deps.pending.consumeStateAndLink(
    installationId,
    stateHash,
    state.data.linkHash ?? '',
    now,
  );
  if (consumed.outcome !== 'consumed')
    return { kind: 'state_problem', problem: stateProblem(consumed.outcome) };
  return exchange(deps, consumed.record, integration, query);
}

function stateProblem(outcome: 'unknown' | 'used' | 'expired' | 'link_used'): StateProblem {
  return outcome === 'unknown' ? 'invalid' : outcome;
}

/** The client's credentials, or why there are none (removed or unreadable since the person started). */
async function credentialsFor(
  deps: ConnectDeps,
  state: PendingRecord,
  integration: Integration,
  oauthIparams: Readonly<Record<string, string>>,
): Promise<ClientCredentials | NamedError> {
  try {
    return await clientCredentials(deps.secrets, integration, oauthIparams);
  } catch (error) {
    if (error instanceof ClientNotConfiguredError) {
      logClientNotConfigured(
        deps,
        'code not exchanged: the OAuth client of the integration is not configured',
        { installationId: state.installationId, integration: integration.name },
        error,
      );
    }
    if (error instanceof NamedError) return error;
    throw error;
  }
}

type Failure = readonly [error: string, description: string | undefined, failedAt: 'provider' | 'deployment'];

/** What a token answer without tokens tells the person: whose side failed, and how. */
function exchangeFailure(result: Exclude<TokenResult, { kind: 'tokens' }>): Failure {
  if (result.kind === 'rejected') return [result.error, result.description, 'provider'];
  if (result.kind === 'refused') return ['token_url_refused', result.reason, 'deployment'];
  return ['provider_unavailable', result.reason, 'provider'];
}

/** Runs the write; false when the installation was deleted while the person was at the provider. */
async function stored(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    // The tokens must not bring a deleted installation back.
    if (error instanceof NotFoundError && error.what === 'installation') return false;
    throw error;
  }
}

/** RFC 9207, before the code is used: a response from another server must not reach our token endpoint. */
async function issuerCheck(
  deps: ConnectDeps,
  integration: Integration,
  oauthIparams: Readonly<Record<string, string>>,
  iss: string | undefined,
) {
  const authorizeUrl = renderTemplate(integration.authorizeUrl, { oauth_iparams: oauthIparams });
  const expected = await expectedIssuer(
    deps.egress,
    integration.settings,
    authorizeUrl,
    deps.now().getTime(),
  );
  return issuerProblem(expected, iss);
}

/** The granted scope: the token response's, else (RFC 6749 §5.1: as asked) what was asked for. */
const granted = (tokens: ParsedTokens, state: PendingRecord): ParsedTokens => ({
  ...tokens,
  scope: tokens.scope ?? state.data.scope,
});

async function exchange(
  deps: ConnectDeps,
  state: PendingRecord,
  integration: Integration,
  query: CallbackQuery,
): Promise<CallbackResult> {
  const vault = await deps.vault();
  const open = (field: StateField, sealed: string | undefined) =>
    sealed === undefined
      ? undefined
      : vault.open(sealed as Sealed, stateAad(state.installationId, state.hash, field));
  const oauthIparams = JSON.parse(open('oauth_iparams', state.data.oauthIparams) ?? '{}') as Record<
    string,
    string
  >;
  const fail = (error: string, description: string | undefined, failedAt: 'provider' | 'deployment') =>
    done(deps, state, integration, { success: false, error, description, failedAt });

  const issue = await issuerCheck(deps, integration, oauthIparams, query.iss);
  if (issue !== undefined) return fail(issue.error, issue.description, issue.failedAt);
  const codeParam = integration.settings.codeParam;
  const code = query[codeParam];
  if (code === undefined || code === '')
    return fail('invalid_request', `the provider sent no ${codeParam}`, 'provider');

  const credentials = await credentialsFor(deps, state, integration, oauthIparams);
  if (credentials instanceof NamedError)
    return fail('client_not_configured', credentials.message, 'deployment');
  const result = await callTokenEndpoint(
    {
      integration,
      oauthIparams,
      // Kept token-response fields do not exist yet: the facts of the form and the callback.
      facts: factsOf(oauthIparams, callbackFacts(integration.settings, query)),
      credentials,
      grant: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(deps),
        code_verifier: open('code_verifier', state.data.codeVerifier),
      },
    },
    deps.egress,
    { timeoutMs: deps.tokenTimeoutMs, now: () => deps.now().getTime() },
  );
  const ids = { installationId: state.installationId, integration: integration.name, account: state.account };
  if (result.kind !== 'tokens') {
    logger.warn('code exchange failed', {
      ...ids,
      outcome: result.kind,
      ...('error' in result ? { providerError: result.error } : {}),
    });
    return fail(...exchangeFailure(result));
  }
  const writer = { accounts: deps.accounts, vault, now: deps.now, events: deps.events };
  const kept = withCallbackParams(integration.settings, granted(result.tokens, state), query);
  if (!(await stored(() => storeAuthorizedTokens(writer, integration, ids, kept, oauthIparams)))) {
    return fail(
      'installation_deleted',
      'the installation was deleted during the authorization',
      'deployment',
    );
  }
  logger.info('account authorized', ids);
  return done(deps, state, integration, { success: true });
}
