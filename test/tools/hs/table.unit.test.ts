import { refreshDetail } from '../../../tools/hs/accounts';
import { eventsTable } from '../../../tools/hs/events';
import { installationDetail, installationsTable } from '../../../tools/hs/installations';
import { overviewText } from '../../../tools/hs/overview';
import { PLAIN, renderFields, renderTable, shortTime, sparkline, status } from '../../../tools/hs/table';
import { BARE, DEAD_EVENT, INSTALLATION, OVERVIEW, PENDING_EVENT } from './views';

const ESCAPE = '\u001b[';

describe('renderTable', () => {
  it('aligns each column to its widest cell, headers in capitals, no trailing blanks', () => {
    // Act
    const text = renderTable(
      ['id', 'state'],
      [
        ['evt_1', 'dead'],
        ['evt_longer', ''],
      ],
    );
    // Assess
    expect(text.split('\n')).toEqual(['ID          STATE', 'evt_1       dead', 'evt_longer']);
  });

  it('colours a status only when asked, and counts widths without the colour codes', () => {
    // Prepare
    const rows = [[status('dead'), 'x']];
    // Act
    const plain = renderTable(['state', 'next'], rows, PLAIN);
    const coloured = renderTable(['state', 'next'], rows, { color: true });
    // Assess
    expect(plain).not.toContain(ESCAPE);
    expect(coloured).toContain(`${ESCAPE}31mdead${ESCAPE}0m   x`);
    expect(coloured.replace(`${ESCAPE}31m`, '').replace(`${ESCAPE}0m`, '')).toBe(plain);
  });
});

describe('renderFields and the small parts', () => {
  it('aligns values after their names', () => {
    expect(
      renderFields([
        ['id', 'in_1'],
        ['app settings', '-'],
      ]),
    ).toBe('id:            in_1\napp settings:  -');
  });

  it('shows times to the second in UTC, and none as a dash', () => {
    expect(shortTime('2026-12-03T07:43:41.123Z')).toBe('2026-12-03 07:43:41Z');
    expect(shortTime(null)).toBe('-');
  });

  it('draws counts as bars on the scale given, a zero as a dot', () => {
    expect(sparkline([0, 1, 4, 8])).toBe('·▁▄█');
    expect(sparkline([1, 1], 8)).toBe('▁▁');
    expect(sparkline([0, 0])).toBe('··');
  });
});

describe('installations', () => {
  it('lists one line per installation with every account and its status', () => {
    // Act
    const text = installationsTable([INSTALLATION, BARE], PLAIN);
    // Assess
    expect(text.split('\n')).toEqual([
      'ID                       CREATED               ACCOUNTS',
      'in_abcdefghijklmnopqrst  2026-12-01 09:30:00Z  beta:default authorized, crew:agent-1 failing, crew:agent-2 reauthorization_required',
      'in_zzzzzzzzzzzzzzzzzzzz  2026-12-02 00:00:00Z  none connected',
    ]);
  });

  it('says so when there is none', () => {
    expect(installationsTable([], PLAIN)).toBe('No installations.');
  });

  it('colours the accounts by the worst of them', () => {
    expect(installationsTable([INSTALLATION], { color: true })).toContain(`${ESCAPE}31mbeta:default`);
  });

  it('shows one installation: its fields, then each account (an integration without one as not connected)', () => {
    // Act
    const lines = installationDetail(INSTALLATION, PLAIN).split('\n');
    // Assess
    expect(lines.slice(0, 6)).toEqual([
      'id:              in_abcdefghijklmnopqrst',
      'created:         2026-12-01 09:30:00Z',
      'iparams:         {"subdomain":"acme"}',
      'secure iparams:  api_key',
      'endpoint urls:   freshdesk=https://acme.freshdesk.com',
      'app settings:    -',
    ]);
    expect(lines.slice(7)).toEqual([
      'INTEGRATION  ACCOUNT  STATUS                    EXPIRES               LAST REFRESHED        LAST ERROR',
      'beta         default  authorized                2026-12-03 10:00:00Z  2026-12-03 09:00:00Z  -',
      'crew         agent-1  failing                   2026-12-03 08:00:00Z  -                     temporarily_unavailable: try later',
      'crew         agent-2  reauthorization_required  -                     -                     invalid_grant',
      'acme         -        not connected             -                     -                     -',
    ]);
  });

  it('shows a refresh: its outcome and the account after it', () => {
    // Prepare
    const account = INSTALLATION.integrations[1]?.accounts[0];
    if (account === undefined) throw new Error('the fixture has no crew account');
    // Act
    const text = refreshDetail({ outcome: 'failed', account }, PLAIN);
    // Assess
    expect(text.split('\n')).toEqual([
      'outcome:         failed',
      'account:         agent-1',
      'status:          failing',
      'expires:         2026-12-03 08:00:00Z',
      'last refreshed:  -',
      'last error:      temporarily_unavailable at 2026-12-03 08:01:00Z',
    ]);
  });
});

describe('events', () => {
  it("lists each delivery with its state, attempts and the receiver's last answer", () => {
    // Act
    const text = eventsTable([DEAD_EVENT, PENDING_EVENT], PLAIN);
    // Assess
    expect(text.split('\n')).toEqual([
      'ID                              TYPE                  STATE    ATTEMPTS  LAST ANSWER                             CREATED               INSTALLATION',
      'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa  account.authorized    dead     8         HTTP 500                                2026-12-02 10:00:00Z  in_abcdefghijklmnopqrst',
      'evt_bbbbbbbbbbbbbbbbbbbbbbbbbb  installation.deleted  pending  1         the receiver did not answer within 5 s  2026-12-02 10:00:00Z  in_abcdefghijklmnopqrst',
    ]);
    expect(eventsTable([], PLAIN)).toBe('No events.');
  });
});

describe('overview', () => {
  it('renders an OverviewView: counts, accounts per integration and in all, both series on one scale each', () => {
    // Act
    const text = overviewText(OVERVIEW, PLAIN);
    // Assess
    expect(text).toBe(
      [
        'at:             2026-12-03 10:15:00Z',
        'installations:  42',
        '',
        'Accounts',
        'INTEGRATION  AUTHORIZED  FAILING  REAUTHORIZATION_REQUIRED  TOTAL',
        'beta         30          0        2                         32',
        'crew         20          3        0                         23',
        'all          50          3        2                         55',
        '',
        'Refreshes',
        'OUTCOME     LAST 24H  LAST 30D  LAST 24H BY HOUR',
        `refreshed   240       7000      ${'█'.repeat(24)}`,
        `failed      5         40        ${'·'.repeat(23)}▄`,
        `grant_died  1         9         ▁${'·'.repeat(23)}`,
        '',
        'Webhook deliveries',
        'OUTCOME    LAST 24H  LAST 30D  LAST 24H BY HOUR',
        `delivered  12        300       ${'█·'.repeat(12)}`,
        `retried    0         4         ${'·'.repeat(24)}`,
        `dead       0         1         ${'·'.repeat(24)}`,
      ].join('\n'),
    );
  });

  it('colours the outcomes on a terminal only', () => {
    expect(overviewText(OVERVIEW, PLAIN)).not.toContain(ESCAPE);
    expect(overviewText(OVERVIEW, { color: true })).toContain(`${ESCAPE}31mgrant_died${ESCAPE}0m`);
  });
});
