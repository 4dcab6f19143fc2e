import { accountFor } from '../accounts/label';
import { type AccountView, accountView } from '../accounts/view';
import { integrationNamed } from '../app/lookup';
import type { App } from '../app/model';
import { NotFoundError, PreconditionFailedError, TokenRefreshFailedError } from '../errors';
import { loadInstallation } from '../installations/service';
import type { InstallationStore } from '../store/ports';
import type { Refresher } from './refresh-or-join';

/**
 * How long the admin route waits for a refresh: its own token request (15 s) or the one in
 * flight that it joins — within the function's 29 s.
 */
const REFRESH_NOW_BUDGET_MS = 20_000;

export interface RefreshNowDeps {
  readonly app: App;
  readonly installations: Pick<InstallationStore, 'get'>;
  readonly refresher: Pick<Refresher, 'refresh'>;
  readonly now: () => Date;
}

/** Which account to refresh: the path's installation and integration, the body's account. */
export interface RefreshNowInput {
  readonly installationId: string;
  readonly integration: string;
  /** `default` unless given; required for an agent-level integration. */
  readonly account?: string | undefined;
}

export interface RefreshNowResult {
  readonly outcome: 'refreshed' | 'failed' | 'dead';
  readonly account: AccountView;
}

/**
 * POST /installations/{id}/integrations/{name}/refresh: refresh one account now, through the
 * same lease as the sweep. It always reaches the provider, unless a refresh of the account is
 * in flight — then it waits for that one and reports its result. No answer claims a refresh
 * that did not happen.
 */
export async function refreshNow(deps: RefreshNowDeps, input: RefreshNowInput): Promise<RefreshNowResult> {
  const { installationId } = input;
  await loadInstallation(deps, installationId);
  const integration = integrationNamed(deps, input.integration);
  const key = {
    installationId,
    integration: integration.name,
    account: accountFor(integration, input.account),
  };
  const deadline = deps.now().getTime() + REFRESH_NOW_BUDGET_MS;
  const settled = await deps.refresher.refresh(key, { kind: 'forced' }, deadline);
  switch (settled.kind) {
    case 'refreshed':
    case 'failed':
    case 'dead':
      return { outcome: settled.kind, account: accountView(settled.record) };
    case 'missing':
      throw new NotFoundError('account', `Account "${key.account}" of "${key.integration}" is not connected`);
    case 'no_refresh_token':
      throw new PreconditionFailedError(
        `Account "${key.account}" of "${key.integration}" has no refresh token; the provider issued none`,
      );
    case 'not_issued':
      throw new TokenRefreshFailedError(
        `The provider issued no client-credentials token for "${key.integration}" (${settled.error.code}${settled.error.description === undefined ? '' : `: ${settled.error.description}`})`,
      );
    case 'timed_out':
      throw new PreconditionFailedError(
        'A refresh of this account is in progress and did not finish in time; try again in a few seconds',
      );
  }
}
