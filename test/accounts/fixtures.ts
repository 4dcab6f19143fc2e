import type { EventPolicy } from '../../lib/accounts/events';
import type {
  AccountKey,
  AuthorizedAccount,
  ReauthorizationRequiredAccount,
  SealedTokens,
  TokenSet,
} from '../../lib/accounts/record';
import type { Sealed } from '../../lib/crypto/sealed';

export const ON: EventPolicy = { enabled: true, failingAfterMs: 15 * 60_000 };
export const OFF: EventPolicy = { enabled: false, failingAfterMs: 15 * 60_000 };

export const T0 = Date.parse('2026-11-26T10:00:00.000Z');
/** The ISO time `minutes` after T0. */
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
export const ms = (minutes: number) => T0 + minutes * 60_000;

export const KEY: AccountKey = {
  installationId: 'in_abcdefghijklmnopqrst',
  integration: 'crm',
  account: 'sales',
};

const sealed = (value: string) => `sealed(${value})` as Sealed;

/** A readable, deterministic stand-in for lib/tokens/token-set.ts's sealing. */
export function seal(tokens: TokenSet): SealedTokens {
  return {
    accessToken: sealed(tokens.accessToken),
    refreshToken: tokens.refreshToken === undefined ? undefined : sealed(tokens.refreshToken),
    oauthIparams: tokens.oauthIparams === undefined ? undefined : sealed(JSON.stringify(tokens.oauthIparams)),
    extra: tokens.extra === undefined ? undefined : sealed(JSON.stringify(tokens.extra)),
  };
}

export function authorizedAccount(overrides: Partial<AuthorizedAccount> = {}): AuthorizedAccount {
  return {
    ...KEY,
    status: 'authorized',
    tokens: seal({ accessToken: 'at-1', refreshToken: 'rt-1', oauthIparams: { org: 'acme' } }),
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: ms(60),
    refreshDueAt: ms(50),
    authorizedAt: at(-60),
    version: 3,
    updatedAt: at(-1),
    ...overrides,
  };
}

export function deadAccount(
  overrides: Partial<ReauthorizationRequiredAccount> = {},
): ReauthorizationRequiredAccount {
  return {
    ...KEY,
    status: 'reauthorization_required',
    lastError: { code: 'invalid_grant', description: 'revoked', at: at(-5) },
    scope: 'read',
    expiresAt: ms(-10),
    authorizedAt: at(-600),
    lastRefreshedAt: at(-70),
    version: 9,
    updatedAt: at(-5),
    ...overrides,
  };
}
