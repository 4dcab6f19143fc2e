/**
 * `npm run hs`'s command line, run in-process against a fake fetch: which request each command
 * sends, --help and the usage errors (exit 2), the key from the environment only, and failures
 * (exit 1) that print the API's message and never the key.
 */
import { DEFAULT_ACCOUNT } from '../../../lib/accounts/label';
import { fakeFetch, runHs } from './run-hs';
import { DEAD_EVENT, INSTALLATION } from './views';

const KEY = 'hsa_unit-test-admin-key';
const ENV = { HANDSHAKE_ADMIN_KEY: KEY, HANDSHAKE_URL: 'http://handshake.test' };
const ID = 'in_abcdefghijklmnopqrst';

describe('help', () => {
  it.each([['--help'], ['-h']])(
    'answers %s at the top level with the commands, needing no key',
    async (flag) => {
      // Act
      const result = await runHs([flag]);
      // Assess
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(result.stdout).toMatch(/^usage: npm run hs -- <command>/);
      for (const part of [
        'installations list|show|delete',
        'HANDSHAKE_ADMIN_KEY',
        'shell history',
        'Examples:',
      ])
        expect(result.stdout).toContain(part);
    },
  );

  it('asks for a command when given none', async () => {
    // Act
    const result = await runHs([]);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'give a command: installations, connect-link, refresh, disconnect, events, overview',
    );
  });

  it.each([
    [
      'installations list',
      'npm run hs -- installations list [--status authorized|failing|reauthorization_required]',
    ],
    ['installations show', 'npm run hs -- installations show <installation id>'],
    ['installations delete', 'npm run hs -- installations delete <installation id> --yes'],
    ['connect-link', 'npm run -s hs -- connect-link <installation id> <integration> [--account <label>]'],
    ['refresh', 'npm run hs -- refresh <installation id> <integration> [--account <label>]'],
    ['disconnect', 'npm run hs -- disconnect <installation id> <integration> [--account <label>]'],
    ['events list', 'npm run hs -- events list [--state pending|delivered|dead]'],
    ['events replay', 'npm run hs -- events replay <event id>'],
    ['overview', 'npm run hs -- overview'],
    ['installations', 'npm run hs -- installations list'],
    ['events', 'npm run hs -- events list'],
  ])('answers "%s --help" with its own usage, needing no key', async (words, synopsis) => {
    // Act
    const result = await runHs([...words.split(' '), '--help']);
    // Assess
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`usage: ${synopsis}`);
    expect(result.stdout).toContain('--url <url>');
    expect(result.stdout).toContain('HANDSHAKE_ADMIN_KEY');
  });
});

describe('usage errors', () => {
  it.each([
    [['installations', 'list', '--frobnicate'], 'unknown option --frobnicate', 'installations list'],
    [
      ['installations', 'list', '--status', 'broken'],
      '--status must be one of authorized, failing, reauthorization_required, got "broken"',
      'installations list',
    ],
    [
      ['installations', 'list', '--limit', '0'],
      '--limit must be a whole number from 1 to 100, got "0"',
      'installations list',
    ],
    [
      ['events', 'list', '--state', 'lost'],
      '--state must be one of pending, delivered, dead, got "lost"',
      'events list',
    ],
    [['events', 'list', '--all=yes'], '--all takes no value', 'events list'],
    [['installations', 'show'], 'give the installation id (in_…)', 'installations show'],
    [['installations', 'show', ID, 'extra'], 'unexpected argument "extra"', 'installations show'],
    [['connect-link', ID], 'give the integration', 'connect-link'],
    [
      ['connect-link', ID, 'beta', '--expires-in', 'soon'],
      '--expires-in must be a number of seconds, got "soon"',
      'connect-link',
    ],
    [
      ['installations', 'delete', ID],
      `deleting ${ID} revokes its grants and removes every record of it, for good: add --yes to do it`,
      'installations delete',
    ],
    [['overview', '--url', 'ftp://x'], '--url must be an http(s) URL', 'overview'],
    [['overview', '--key', KEY], 'unknown option --key', 'overview'],
    [['installations'], 'give a command of installations: list, show, delete', 'installations'],
    [['events', 'resend'], 'unknown command "events resend"; events has list, replay', 'events'],
    [['frobnicate'], 'unknown command "frobnicate"', undefined],
  ])('refuses %j with exit 2, naming the mistake and the help to read', async (args, mistake, words) => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 500 }));
    // Act
    const result = await runHs(args, { env: ENV, fetch });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, second] = result.stderr.split('\n');
    expect(first).toContain(`npm run hs: ${mistake}`);
    expect(second).toBe(`See \`npm run hs -- ${words === undefined ? '' : `${words} `}--help\`.`);
    expect(sent).toEqual([]);
  });

  it('takes the global options before the command as well as after it', async () => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 200, body: INSTALLATION }));
    // Act
    const result = await runHs(['--url', 'http://other.test/base/', '--json', 'installations', 'show', ID], {
      env: ENV,
      fetch,
    });
    // Assess
    expect(result.code).toBe(0);
    expect(sent.map((request) => request.url.href)).toEqual([`http://other.test/base/installations/${ID}`]);
    expect(JSON.parse(result.stdout)).toEqual(INSTALLATION);
  });
});

describe('the admin key', () => {
  it('is required from HANDSHAKE_ADMIN_KEY, and its absence says how to get one', async () => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 200, body: INSTALLATION }));
    // Act
    const result = await runHs(['installations', 'show', ID], {
      env: { HANDSHAKE_URL: 'http://x.test' },
      fetch,
    });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('HANDSHAKE_ADMIN_KEY is not set');
    expect(result.stderr).toContain('npm run -s admin-key');
    expect(sent).toEqual([]);
  });

  it('goes as a Bearer token to the URL of HANDSHAKE_URL, else localhost:3000', async () => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 200, body: INSTALLATION }));
    // Act
    await runHs(['installations', 'show', ID], { env: ENV, fetch });
    await runHs(['installations', 'show', ID], { env: { HANDSHAKE_ADMIN_KEY: KEY }, fetch });
    // Assess
    expect(sent.map((request) => request.url.origin)).toEqual([
      'http://handshake.test',
      'http://localhost:3000',
    ]);
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("is never printed, even when an answer carries it; the API's message and status are", async () => {
    // Prepare
    const { fetch } = fakeFetch(() => ({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', message: `Invalid key ${KEY}` } },
    }));
    // Act
    const result = await runHs(['installations', 'list'], { env: ENV, fetch });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('npm run hs: Invalid key [admin key] (HTTP 401 UNAUTHENTICATED)\n');
  });
});

describe('requests', () => {
  it('lists with the filters as the API names them, and --all follows `next` to the end', async () => {
    // Prepare
    const pages: Record<string, { installations: unknown[]; next: string | null }> = {
      '': { installations: [INSTALLATION], next: 'c1' },
      c1: { installations: [{ ...INSTALLATION, id: 'in_bbbbbbbbbbbbbbbbbbbb' }], next: null },
    };
    const { fetch, sent } = fakeFetch((request) => ({
      status: 200,
      body: pages[request.url.searchParams.get('cursor') ?? ''],
    }));
    // Act
    const result = await runHs(
      ['installations', 'list', '--status', 'failing', '--integration', 'crew', '--all', '--json'],
      { env: ENV, fetch },
    );
    // Assess
    expect(result.code).toBe(0);
    expect(sent.map((request) => request.url.search)).toEqual([
      '?status=failing&integration=crew&limit=100',
      '?status=failing&integration=crew&limit=100&cursor=c1',
    ]);
    const joined = JSON.parse(result.stdout) as { installations: Array<{ id: string }>; next: null };
    expect(joined.installations.map((row) => row.id)).toEqual([ID, 'in_bbbbbbbbbbbbbbbbbbbb']);
    expect(joined.next).toBeNull();
  });

  it('without --all prints one page, and says on stderr how to get the next', async () => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 200, body: { events: [DEAD_EVENT], next: 'c/2' } }));
    // Act
    const result = await runHs(['events', 'list', '--state', 'dead', '--limit', '1', '--cursor', 'c/1'], {
      env: ENV,
      fetch,
    });
    // Assess
    expect(result.code).toBe(0);
    expect(sent.map((request) => request.url.search)).toEqual(['?state=dead&limit=1&cursor=c%2F1']);
    expect(result.stdout).toContain(DEAD_EVENT.id);
    expect(result.stderr).toBe('More: add --cursor c/2 (or --all).\n');
  });

  it.each([
    [
      [
        'connect-link',
        ID,
        'crew',
        '--account',
        'agent-1',
        '--return-url',
        'https://app.test/back',
        '--expires-in',
        '120',
      ],
      'POST',
      `/installations/${ID}/connect-links`,
      { integration: 'crew', account: 'agent-1', returnUrl: 'https://app.test/back', expiresInSeconds: 120 },
    ],
    [['connect-link', ID, 'beta'], 'POST', `/installations/${ID}/connect-links`, { integration: 'beta' }],
    [['refresh', ID, 'beta'], 'POST', `/installations/${ID}/integrations/beta/refresh`, {}],
    [
      ['refresh', ID, 'crew', '--account', 'a/1'],
      'POST',
      `/installations/${ID}/integrations/crew/refresh`,
      { account: 'a/1' },
    ],
    [
      ['disconnect', ID, 'beta'],
      'DELETE',
      `/installations/${ID}/integrations/beta/accounts/${DEFAULT_ACCOUNT}`,
      undefined,
    ],
    [
      ['disconnect', ID, 'crew', '--account', 'a/1'],
      'DELETE',
      `/installations/${ID}/integrations/crew/accounts/a%2F1`,
      undefined,
    ],
    [['installations', 'delete', ID, '--yes'], 'DELETE', `/installations/${ID}`, undefined],
    [['events', 'replay', DEAD_EVENT.id], 'POST', `/events/${DEAD_EVENT.id}/replay`, undefined],
    [['overview'], 'GET', '/overview', undefined],
  ])('%j sends %s %s', async (args, method, path, body) => {
    // Prepare
    const { fetch, sent } = fakeFetch(() => ({ status: 200, body: {} }));
    // Act
    await runHs([...args, '--json'], { env: ENV, fetch });
    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe(method);
    expect(sent[0]?.url.pathname).toBe(path);
    expect(sent[0]?.body).toEqual(body);
  });

  it('prints a connect link once, alone on stdout; when it expires goes to stderr', async () => {
    // Prepare
    const url = 'http://handshake.test/connect/hcl_secret';
    const { fetch } = fakeFetch(() => ({
      status: 201,
      body: { url, expiresAt: '2026-12-03T10:00:00.000Z', integration: 'beta', account: 'default' },
    }));
    // Act
    const result = await runHs(['connect-link', ID, 'beta'], { env: ENV, fetch });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${url}\n`);
    expect(result.stderr).not.toContain('hcl_');
    expect(result.stderr).toContain('valid until 2026-12-03 10:00:00Z');
  });

  it('exits 1 when a refresh did not refresh, the account printed all the same', async () => {
    // Prepare
    const account = { ...INSTALLATION.integrations[0]?.accounts[0], status: 'reauthorization_required' };
    const { fetch } = fakeFetch(() => ({ status: 200, body: { outcome: 'dead', account } }));
    // Act
    const result = await runHs(['refresh', ID, 'beta'], { env: ENV, fetch });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('reauthorization_required');
    expect(result.stderr).toBe(
      'npm run hs: the refresh found the grant dead: the account needs a new connect link\n',
    );
  });

  it('says what a gateway answered when the route is not there, and when nothing answers', async () => {
    // Prepare
    const { fetch } = fakeFetch(() => ({ status: 404, body: { message: 'Not Found' } }));
    const unreachable = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3000') });
    };
    // Act
    const missing = await runHs(['overview'], { env: ENV, fetch });
    const down = await runHs(['overview'], { env: ENV, fetch: unreachable });
    // Assess
    expect([missing.code, missing.stderr]).toEqual([1, 'npm run hs: Not Found (HTTP 404)\n']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      'npm run hs: could not reach http://handshake.test: fetch failed (connect ECONNREFUSED 127.0.0.1:3000)\n',
    );
  });
});
