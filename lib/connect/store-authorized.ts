import type { EventPolicy } from '../accounts/events';
import type { AccountKey, AuthorizedAccount, TokenSet } from '../accounts/record';
import { authorized, reconnected } from '../accounts/transitions';
import { type Integration, renewsWithoutRefreshToken } from '../app/model';
import { ConflictError } from '../errors';
import { issue } from '../events/outbox';
import type { ParsedTokens } from '../oauth/token-response';
import { type AccountStore, expectationOf } from '../store/ports';
import { sealTokenSet } from '../tokens/token-set';
import type { Vault } from '../tokens/vault';

export interface AuthorizedWrite {
  readonly accounts: Pick<AccountStore, 'get' | 'put'>;
  readonly vault: Vault;
  readonly now: () => Date;
  /** Which auth events to record for the app's webhook. */
  readonly events: EventPolicy;
}

const MAX_ATTEMPTS = 3;

/**
 * Stores the tokens of a completed handshake (or an imported grant, `origin.imported`) as the
 * account's token set: the first one, or a reconnect over the record there (lib/accounts/transitions.ts). The write is conditional on
 * the version read, so a refresh that lands in between is not silently overwritten: we read
 * again and replace it.
 */
export async function storeAuthorizedTokens(
  deps: AuthorizedWrite,
  integration: Integration,
  key: AccountKey,
  tokens: ParsedTokens,
  oauthIparams: Readonly<Record<string, string>>,
  origin: { readonly imported?: boolean } = {},
): Promise<AuthorizedAccount> {
  const input = {
    ...origin,
    tokens,
    oauthIparams,
    settings: integration.settings,
    renewsItself: renewsWithoutRefreshToken(integration),
    seal: (set: TokenSet) => sealTokenSet(deps.vault, key, set),
  };
  for (let attempt = 1; ; attempt++) {
    const existing = await deps.accounts.get(key);
    const context = { now: deps.now().getTime(), events: deps.events };
    const next =
      existing === undefined ? authorized(key, input, context) : reconnected(existing, input, context);
    try {
      await deps.accounts.put(
        next.record,
        existing === undefined ? { kind: 'absent' } : expectationOf(existing),
        next.events.map(issue),
      );
      return next.record;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
