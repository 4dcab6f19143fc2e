import { judgeFailure } from '../accounts/decisions';
import type {
  AccountKey,
  AuthorizedAccount,
  ProviderError,
  ReauthorizationRequiredAccount,
} from '../accounts/record';
import { authorized, reconnected } from '../accounts/transitions';
import type { Integration } from '../app/model';
import { ConflictError } from '../errors';
import { issue } from '../events/outbox';
import { logger } from '../observability/logger';
import { count } from '../observability/metrics';
import { expectationOf } from '../store/ports';
import { sealTokenSet } from '../tokens/token-set';
import { askProvider, type RefreshDeps } from './refresh-account';

export type IssueOutcome =
  | { readonly kind: 'issued'; readonly record: AuthorizedAccount }
  /** The provider issued nothing (or could not be asked): nothing was stored. */
  | { readonly kind: 'not_issued'; readonly error: ProviderError }
  /** Another container stored the account first: read it again. */
  | { readonly kind: 'superseded' };

/**
 * The first token of a client-credentials account (token_type "client"), or a new one over an
 * account whose grant died: one client_credentials grant, stored as a handshake stores its
 * tokens (`authorized`/`reconnected`, `account.authorized`). No lease: there is no record to
 * hold it on, and two containers asking at once only cost the provider a second token — the
 * conditional write keeps one. Counted and logged as a refresh.
 */
export async function issueClientToken(
  deps: RefreshDeps,
  key: AccountKey,
  integration: Integration,
  current: ReauthorizationRequiredAccount | undefined,
): Promise<IssueOutcome> {
  const answer = await askProvider(deps, integration, {});
  const now = deps.now().getTime();
  const ids = { installationId: key.installationId, integration: key.integration, account: key.account };
  if (answer.kind !== 'tokens') {
    const { error } = judgeFailure(answer, new Date(now).toISOString());
    count('RefreshFailed');
    logger.warn('client token not issued', { ...ids, outcome: 'failed', providerError: error.code });
    return { kind: 'not_issued', error };
  }
  const vault = await deps.vault();
  const input = {
    tokens: answer.tokens,
    oauthIparams: {},
    settings: integration.settings,
    seal: (set: Parameters<typeof sealTokenSet>[2]) => sealTokenSet(vault, key, set),
    renewsItself: true,
  };
  const context = { now, events: deps.events };
  const next = current === undefined ? authorized(key, input, context) : reconnected(current, input, context);
  const expect = current === undefined ? { kind: 'absent' as const } : expectationOf(current);
  try {
    await deps.accounts.put(next.record, expect, next.events.map(issue));
  } catch (error) {
    if (error instanceof ConflictError) return { kind: 'superseded' };
    throw error;
  }
  count('RefreshSucceeded');
  logger.info('client token issued', { ...ids, outcome: 'refreshed', expiresAt: next.record.expiresAt });
  return { kind: 'issued', record: next.record };
}
