import type { Integration } from '../app/model';
import { ConflictError } from '../errors';
import { accountEvents, type EventPolicy } from '../events/account-events';
import { toOutbox } from '../events/outbox';
import type { ParsedTokens } from '../oauth/token-response';
import type { AccountKey, AccountRecord, AccountStore } from '../store/ports';
import { sealTokenSet } from './token-set';
import type { Vault } from './vault';

/**
 * When the sweep should refresh: `refresh_lead_seconds` before expiry, but never in the first
 * half of the token's life — a provider with 5-minute tokens and a 10-minute lead would
 * otherwise be asked for a new token on every sweep. Without a refresh token nothing can be
 * refreshed, and without an expiry there is no time to aim for: such records stay out of it.
 */
export function refreshDueAt(
  integration: Integration,
  expiresAt: number | undefined,
  hasRefreshToken: boolean,
  now: number,
): number | undefined {
  if (!hasRefreshToken || expiresAt === undefined) return undefined;
  const halfLife = now + Math.max(0, expiresAt - now) / 2;
  return Math.round(Math.max(expiresAt - integration.settings.refreshLeadSeconds * 1000, halfLife));
}

export interface AuthorizedWrite {
  readonly accounts: AccountStore;
  readonly vault: Vault;
  readonly now: () => Date;
  /** Which auth events to record for the app's webhook; absent = none. */
  readonly events: EventPolicy;
}

const MAX_ATTEMPTS = 3;

/**
 * Stores the tokens of a completed handshake as the account's token set, replacing what was
 * there (that is how reauthorization works). The write is conditional on the version read, so
 * a refresh that lands in between is not silently overwritten: we read again and replace it.
 */
export async function storeAuthorizedTokens(
  deps: AuthorizedWrite,
  integration: Integration,
  key: AccountKey,
  tokens: ParsedTokens,
  oauthIparams: Readonly<Record<string, string>>,
): Promise<AccountRecord> {
  const sealed = sealTokenSet(deps.vault, key, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    oauthIparams,
    extra: Object.keys(tokens.extra).length === 0 ? undefined : tokens.extra,
  });
  for (let attempt = 1; ; attempt++) {
    const existing = await deps.accounts.get(key);
    const now = deps.now().toISOString();
    const record: AccountRecord = {
      installationId: key.installationId,
      integration: key.integration,
      account: key.account,
      status: 'authorized',
      ...sealed,
      tokenType: tokens.tokenType,
      scope: tokens.scope,
      expiresAt: tokens.expiresAt,
      refreshDueAt: refreshDueAt(
        integration,
        tokens.expiresAt,
        tokens.refreshToken !== undefined,
        deps.now().getTime(),
      ),
      authorizedAt: now,
      lastRefreshedAt: undefined,
      failureCount: 0,
      lastError: undefined,
      leaseOwner: undefined,
      leaseUntil: undefined,
      version: (existing?.version ?? 0) + 1,
      updatedAt: now,
    };
    try {
      await deps.accounts.put(
        record,
        existing === undefined ? { kind: 'absent' } : { kind: 'version', version: existing.version },
        accountEvents(deps.events, existing, record).map(toOutbox),
      );
      return record;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
