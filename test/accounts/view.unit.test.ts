import type { AccountRecord } from '../../lib/accounts/record';
import { type AccountView, accountView } from '../../lib/accounts/view';
import { at, authorizedAccount, deadAccount, ms } from './fixtures';

describe('accountView: what the API shows of an account', () => {
  it.each<[string, AccountRecord, AccountView]>([
    [
      'an authorized account',
      authorizedAccount({ lastRefreshedAt: at(-30) }),
      {
        account: 'sales',
        status: 'authorized',
        expiresAt: new Date(ms(60)).toISOString(),
        lastRefreshedAt: at(-30),
        authorizedAt: at(-60),
        scope: 'read',
      },
    ],
    [
      'one never refreshed, without expiry or scope',
      authorizedAccount({ expiresAt: undefined, scope: undefined }),
      {
        account: 'sales',
        status: 'authorized',
        expiresAt: null,
        lastRefreshedAt: null,
        authorizedAt: at(-60),
        scope: null,
      },
    ],
    [
      'one whose refreshes fail: the last error',
      authorizedAccount({
        failing: { failureCount: 2, lastError: { code: 'server_error', at: at(-1) }, since: at(-3) },
      }),
      {
        account: 'sales',
        status: 'authorized',
        expiresAt: new Date(ms(60)).toISOString(),
        lastRefreshedAt: null,
        authorizedAt: at(-60),
        scope: 'read',
        error: { code: 'server_error', at: at(-1) },
      },
    ],
    [
      'a dead grant: the provider’s answer',
      deadAccount(),
      {
        account: 'sales',
        status: 'reauthorization_required',
        expiresAt: new Date(ms(-10)).toISOString(),
        lastRefreshedAt: at(-70),
        authorizedAt: at(-600),
        scope: 'read',
        error: { code: 'invalid_grant', description: 'revoked', at: at(-5) },
      },
    ],
  ])('%s', (_, record, view) => {
    expect(accountView(record)).toStrictEqual(view);
  });

  it('never shows a token', () => {
    expect(JSON.stringify(accountView(authorizedAccount()))).not.toContain('sealed(');
  });
});
