import { accountFor } from '../accounts/label';
import type { AccountKey } from '../accounts/record';
import { disconnected } from '../accounts/transitions';
import { integrationNamed } from '../app/lookup';
import { ConflictError, NotFoundError } from '../errors';
import { issue } from '../events/outbox';
import { expectationOf } from '../store/ports';
import { type InstallationDeps, loadInstallation } from './service';

/** What DELETE /installations/{id}/integrations/{name}/accounts/{account} names, from its path. */
export interface DisconnectInput {
  readonly installationId: string;
  readonly integration: string;
  readonly account: string;
}

/** A refresh or a reconnect that changes the record between the read and the delete: read again. */
const ATTEMPTS = 3;

/**
 * Disconnects one account and keeps its installation: the grant is revoked at the provider
 * where the integration says how (best effort, as for a deleted installation), then the record
 * and its tokens are deleted — conditioned on the version read, with `account.disconnected` in
 * the same transaction. A reconnect that lands meanwhile is the newer intent: it is read again
 * and disconnected too, never left half-deleted.
 */
export async function disconnectAccount(deps: InstallationDeps, input: DisconnectInput): Promise<void> {
  await loadInstallation(deps, input.installationId);
  const integration = integrationNamed(deps, input.integration);
  const key: AccountKey = {
    installationId: input.installationId,
    integration: integration.name,
    account: accountFor(integration, input.account),
  };
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.accounts.get(key);
    if (current === undefined) {
      throw new NotFoundError('account', `Account "${key.account}" of "${key.integration}" is not connected`);
    }
    // Each attempt revokes the grant it is about to delete: a refresh meanwhile may have rotated it.
    if (deps.revokeGrants !== undefined) await deps.revokeGrants([current]);
    const { events } = disconnected(current, { now: deps.now().getTime(), events: deps.events });
    try {
      await deps.accounts.delete(key, expectationOf(current), events.map(issue));
      return;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt === ATTEMPTS) throw error;
    }
  }
}
