import * as z from 'zod/mini';
import { HandshakeError } from '../errors';
import { accountFor } from '../handshake/account-label';
import { parseWith } from '../http/validation';
import { loadInstallation } from '../installations/service';
import { type AccountView, accountView } from '../installations/view';
import type { InstallationStore } from '../store/ports';
import type { RefreshDeps } from './refresh-account';
import { refreshAndReport } from './report';

const body = z.strictObject({ account: z.optional(z.string()) });

/**
 * A token refreshed this recently is answered as is: a burst of "refresh now" calls (or of
 * 401s seen by concurrent invokes) costs the provider one refresh, not one per caller.
 */
export const FRESH_ENOUGH_MS = 5_000;

export interface RefreshNowResult {
  readonly outcome: 'refreshed' | 'failed' | 'dead';
  readonly account: AccountView;
}

/**
 * POST /installations/{id}/integrations/{name}/refresh: refresh one account now, through the
 * same lease as the sweep. Concurrent calls refresh once; the others see the result.
 */
export async function refreshNow(
  deps: RefreshDeps & { readonly installations: InstallationStore },
  installationId: string,
  integrationName: string,
  input: unknown,
): Promise<RefreshNowResult> {
  const { account: given } = parseWith(body, input ?? {}, 'refresh request');
  await loadInstallation(deps, installationId);
  const integration = deps.app.integrations.get(integrationName);
  if (integration === undefined) {
    throw new HandshakeError('NOT_FOUND', `Integration "${integrationName}" does not exist in this app`);
  }
  const key = { installationId, integration: integration.name, account: accountFor(integration, given) };
  const since = new Date(deps.now().getTime() - FRESH_ENOUGH_MS).toISOString();
  const outcome = await refreshAndReport(deps, key, { kind: 'not_refreshed_since', since });
  if (outcome.kind !== 'skipped') return { outcome: outcome.kind, account: accountView(outcome.record) };
  const current = outcome.record;
  switch (outcome.reason) {
    case 'missing':
      throw new HandshakeError(
        'NOT_FOUND',
        `Account "${key.account}" of "${key.integration}" is not connected`,
      );
    case 'not_refreshable':
      throw new HandshakeError(
        'CONFLICT',
        current?.status === 'reauthorization_required'
          ? `Account "${key.account}" of "${key.integration}" needs reauthorization: make a connect link`
          : `Account "${key.account}" of "${key.integration}" has no refresh token; the provider issued none`,
      );
    case 'leased':
      throw new HandshakeError(
        'CONFLICT',
        'A refresh of this account is in progress; try again in a few seconds',
      );
    default:
      // Refreshed by someone else since this call began, or replaced by a new handshake.
      if (current === undefined)
        throw new HandshakeError('CONFLICT', 'The account changed meanwhile; try again');
      return { outcome: 'refreshed', account: accountView(current) };
  }
}
