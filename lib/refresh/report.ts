import type { AccountKey } from '../accounts/record';
import { logger } from '../observability/logger';
import { count } from '../observability/metrics';
import type { LeaseCondition } from '../store/ports';
import { type RefreshDeps, type RefreshOutcome, refreshAccount } from './refresh-account';

const METRIC: Record<RefreshOutcome['kind'], string> = {
  refreshed: 'RefreshSucceeded',
  failed: 'RefreshFailed',
  dead: 'RefreshDead',
  skipped: 'RefreshSkipped',
};

/**
 * `refreshAccount` plus what operators see of it: one structured log line per outcome (ids,
 * outcome, the provider's error code — never a token) and an EMF count per outcome; a refused
 * lease counts as `RefreshLeaseContention`.
 */
export async function refreshAndReport(
  deps: RefreshDeps,
  key: AccountKey,
  condition: LeaseCondition,
): Promise<RefreshOutcome> {
  const outcome = await refreshAccount(deps, key, condition);
  const ids = { installationId: key.installationId, integration: key.integration, account: key.account };
  count(METRIC[outcome.kind]);
  switch (outcome.kind) {
    case 'refreshed':
      logger.info('token refreshed', { ...ids, outcome: 'refreshed', expiresAt: outcome.record.expiresAt });
      break;
    case 'failed':
      logger.warn('token refresh failed; will retry', {
        ...ids,
        outcome: 'failed',
        providerError: outcome.error.code,
        failureCount: outcome.record.failing?.failureCount,
        nextAttemptAt: outcome.record.refreshDueAt,
      });
      break;
    case 'dead':
      logger.warn('grant is dead; reauthorization required', {
        ...ids,
        outcome: 'dead',
        providerError: outcome.error.code,
      });
      break;
    case 'skipped':
      if (outcome.reason === 'leased') count('RefreshLeaseContention');
      logger.debug('token refresh skipped', { ...ids, outcome: 'skipped', reason: outcome.reason });
      break;
  }
  return outcome;
}
