import type { AccountRecord } from '../../lib/accounts/record';
import type { Sealed } from '../../lib/crypto/sealed';
import { accountAttributes, accountFromItem } from '../../lib/store/account-item';
import { at, authorizedAccount, deadAccount, KEY, ms } from '../accounts/fixtures';

const keys = { pk: `INST#${KEY.installationId}`, sk: `ACCOUNT#${KEY.integration}#${KEY.account}` };

/** Items exactly as the deployments before lib/accounts wrote them (flat, with their keys). */
const TODAY = {
  authorized: {
    ...keys,
    ...KEY,
    status: 'authorized',
    accessToken: 'v1.k1.at',
    refreshToken: 'v1.k1.rt',
    oauthIparams: 'v1.k1.oi',
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: ms(60),
    refreshDueAt: ms(55),
    dueShard: 'due#2',
    dueAt: ms(55),
    authorizedAt: at(-60),
    lastRefreshedAt: at(-30),
    failureCount: 0,
    version: 3,
    updatedAt: at(-30),
  },
  failingAndLeased: {
    ...keys,
    ...KEY,
    status: 'authorized',
    accessToken: 'v1.k1.at',
    refreshToken: 'v1.k1.rt',
    extra: 'v1.k1.ex',
    expiresAt: ms(60),
    refreshDueAt: ms(2),
    dueShard: 'due#2',
    dueAt: ms(2),
    authorizedAt: at(-60),
    failureCount: 2,
    lastError: { code: 'server_error', description: 'HTTP 500', at: at(-1) },
    failingSince: at(-3),
    leaseOwner: 'container#1',
    leaseUntil: ms(1),
    version: 8,
    updatedAt: at(0),
  },
  // The old dead-grant write kept the sealed oauth_iparams, kept fields and counters.
  dead: {
    ...keys,
    ...KEY,
    status: 'reauthorization_required',
    oauthIparams: 'v1.k1.oi',
    extra: 'v1.k1.ex',
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: ms(-10),
    authorizedAt: at(-600),
    failureCount: 1,
    lastError: { code: 'invalid_grant', at: at(-5) },
    version: 9,
    updatedAt: at(-5),
  },
};

describe('accountFromItem: stored items of today read as the union', () => {
  it.each<[string, Record<string, unknown>, AccountRecord]>([
    [
      'an authorized account',
      TODAY.authorized,
      {
        ...KEY,
        status: 'authorized',
        tokens: { accessToken: 'v1.k1.at', refreshToken: 'v1.k1.rt', oauthIparams: 'v1.k1.oi' },
        tokenType: 'Bearer',
        scope: 'read',
        expiresAt: ms(60),
        refreshDueAt: ms(55),
        authorizedAt: at(-60),
        lastRefreshedAt: at(-30),
        version: 3,
        updatedAt: at(-30),
      } as AccountRecord,
    ],
    [
      'one failing, in a lease',
      TODAY.failingAndLeased,
      {
        ...KEY,
        status: 'authorized',
        tokens: { accessToken: 'v1.k1.at', refreshToken: 'v1.k1.rt', extra: 'v1.k1.ex' },
        expiresAt: ms(60),
        refreshDueAt: ms(2),
        authorizedAt: at(-60),
        failing: {
          failureCount: 2,
          lastError: { code: 'server_error', description: 'HTTP 500', at: at(-1) },
          since: at(-3),
        },
        lease: { owner: 'container#1', until: ms(1) },
        version: 8,
        updatedAt: at(0),
      } as AccountRecord,
    ],
    [
      'a dead grant, leftovers ignored',
      TODAY.dead,
      {
        ...KEY,
        status: 'reauthorization_required',
        lastError: { code: 'invalid_grant', at: at(-5) },
        scope: 'read',
        expiresAt: ms(-10),
        authorizedAt: at(-600),
        version: 9,
        updatedAt: at(-5),
      },
    ],
  ])('%s', (_, item, record) => {
    expect(accountFromItem(item)).toEqual(record);
  });

  it('takes an episode without its start (an older write) as starting at its last error', () => {
    const { failingSince: _, ...older } = TODAY.failingAndLeased;
    const record = accountFromItem(older);
    expect(record.status === 'authorized' && record.failing?.since).toBe(at(-1));
  });

  it.each([
    ['a status never written', { ...TODAY.authorized, status: 'pending' }, 'status'],
    [
      'an authorized item without its access token',
      { ...TODAY.authorized, accessToken: undefined },
      'accessToken',
    ],
    ['a dead item without its error', { ...TODAY.dead, lastError: undefined }, 'lastError'],
    ['a version that is not a number', { ...TODAY.authorized, version: '3' }, 'version'],
    ['an error without a code', { ...TODAY.dead, lastError: { at: at(0) } }, 'code'],
  ])('refuses %s, naming the attribute and never a value', (_, item, field) => {
    const read = () => accountFromItem(item);
    expect(read).toThrow(`stored account item is malformed: ${field}`);
    expect(read).not.toThrow(/v1\.k1/);
  });
});

describe('accountAttributes: the union written under the attribute names of today', () => {
  it.each<[string, AccountRecord]>([
    ['an authorized account', authorizedAccount({ lastRefreshedAt: at(-30) })],
    [
      'a failing one in its lease',
      authorizedAccount({
        failing: { failureCount: 2, lastError: { code: 'x', at: at(-1) }, since: at(-3), reportedAt: at(-2) },
        lease: { owner: 'me', until: ms(1) },
      }),
    ],
    ['a dead grant', deadAccount()],
  ])('round-trips %s', (_, record) => {
    expect(accountFromItem({ ...accountAttributes(record) })).toEqual(record);
  });

  it('names each attribute as stored items always have', () => {
    const failing = authorizedAccount({
      tokens: { ...authorizedAccount().tokens, extra: 'v1.k1.ex' as Sealed },
      lastRefreshedAt: at(-30),
      failing: { failureCount: 2, lastError: { code: 'x', at: at(-1) }, since: at(-3), reportedAt: at(-2) },
      lease: { owner: 'me', until: ms(1) },
    });
    const {
      pk: _pk,
      sk: _sk,
      dueShard: _shard,
      dueAt: _due,
      ...stored
    } = {
      ...TODAY.failingAndLeased,
      oauthIparams: '',
      tokenType: '',
      scope: '',
      lastRefreshedAt: '',
      failingReportedAt: '',
    };
    const defined = Object.entries(accountAttributes(failing)).filter(([, value]) => value !== undefined);
    expect(defined.map(([name]) => name).sort()).toEqual(Object.keys(stored).sort());
    expect(accountAttributes(authorizedAccount())).toMatchObject({ failureCount: 0 });
    expect(Object.keys(accountAttributes(deadAccount())).sort()).toEqual(
      [
        'installationId',
        'integration',
        'account',
        'status',
        'scope',
        'expiresAt',
        'authorizedAt',
        'lastRefreshedAt',
        'lastError',
        'version',
        'updatedAt',
      ].sort(),
    );
  });
});
