/**
 * `npm run hs` against the in-process HTTP API on DynamoDB Local, run in-process as a terminal
 * would run it: the tables and --json of the listings (filters, paging with --all), show, a
 * connect link a person can open, refresh, disconnect, delete, the webhook events and the replay
 * of a dead one — and the failures: a wrong key, a missing one, an unknown option.
 * and `overview`, whose counts are the API's.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { MAX_ATTEMPTS } from '../../../lib/events/deliver';
import { eventPk } from '../../../lib/store/layout';
import { lambdaContext } from '../../support/events';
import { ADMIN, accountsOf, bearer, createInstallation, useHarness, world } from '../../support/harness';
import { type Receiver, startReceiver } from '../../support/receiver';
import { runHs } from './run-hs';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
// Failing episodes are reported (the account listed as `failing`) at their first failure here.
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_FAILING_AFTER_MINUTES: '0' }) });

/** The CLI as an operator runs it against this API, with the admin key (or `key`) in the environment. */
const hs = (args: readonly string[], env: { key?: string } = { key: ADMIN }) =>
  runHs(args, { env: { HANDSHAKE_URL: world.api.url, HANDSHAKE_ADMIN_KEY: env.key } });

/** Every installation this file made, oldest first: the unfiltered listing is all of them. */
const made: string[] = [];
async function install(): Promise<string> {
  const { id } = await createInstallation();
  made.push(id);
  return id;
}

/** An authorized account by the import route, its refresh token made up (the provider refuses it). */
async function imported(id: string, integration: string, account?: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      ...(account === undefined ? {} : { account }),
      access_token: `made-up-access-${Math.random()}`,
      refresh_token: `made-up-refresh-${Math.random()}`,
      expires_in: 3600,
      validate: 'none',
    }),
  });
  expect(response.status).toBe(200);
}

const idsOf = (stdout: string) => [...stdout.matchAll(/^(in_[a-z2-7]{20})\b/gm)].map((match) => match[1]);

describe('npm run hs -- installations', () => {
  it('lists newest first as a table and as the API’s JSON, every page with --all', async () => {
    // Prepare
    for (let index = 0; index < 3; index += 1) await install();
    // Act
    const table = await hs(['installations', 'list']);
    const json = await hs(['installations', 'list', '--json']);
    const firstPage = await hs(['installations', 'list', '--limit', '2']);
    const all = await hs(['installations', 'list', '--limit', '2', '--all', '--json']);
    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+CREATED\s+ACCOUNTS$/);
    expect(idsOf(table.stdout)).toEqual([...made].reverse());
    expect(table.stdout).toContain('none connected');
    const api = await fetch(`${world.api.url}/installations`, { headers: bearer(ADMIN) });
    expect(JSON.parse(json.stdout)).toEqual(await api.json());
    expect(idsOf(firstPage.stdout)).toEqual([...made].reverse().slice(0, 2));
    expect(firstPage.stderr).toMatch(/^More: add --cursor \S+ \(or --all\)\.\n$/);
    const joined = JSON.parse(all.stdout) as { installations: Array<{ id: string }>; next: null };
    expect(joined.installations.map((row) => row.id)).toEqual([...made].reverse());
    expect(joined.next).toBeNull();
  });

  it('filters by status: an account whose refresh failed is listed as failing, and `refresh` says so', async () => {
    // Prepare
    const healthy = await install();
    await imported(healthy, 'beta');
    const troubled = await install();
    await imported(troubled, 'crew', 'agent-1');
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
    // Act
    const refreshed = await hs(['refresh', troubled, 'crew', '--account', 'agent-1']);
    const failing = await hs(['installations', 'list', '--status', 'failing', '--all']);
    const authorized = await hs(['installations', 'list', '--status', 'authorized', '--integration', 'beta']);
    // Assess
    expect(refreshed.code).toBe(1);
    expect(refreshed.stdout).toMatch(/^outcome:\s+failed$/m);
    expect(refreshed.stderr).toBe('npm run hs: the refresh failed; the sweep tries again (unavailable)\n');
    expect(idsOf(failing.stdout)).toEqual([troubled]);
    expect(failing.stdout).toContain('crew:agent-1 failing');
    expect(idsOf(authorized.stdout)).toEqual([healthy]);
  });

  it('shows one installation with its accounts, and deletes it only with --yes', async () => {
    // Prepare
    const id = await install();
    await imported(id, 'beta');
    // Act
    const shown = await hs(['installations', 'show', id]);
    const refused = await hs(['installations', 'delete', id]);
    const deleted = await hs(['installations', 'delete', id, '--yes']);
    const gone = await hs(['installations', 'show', id]);
    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id:\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^beta\s+default\s+authorized\s+\d{4}-/m);
    expect(shown.stdout).toMatch(/^acme\s+-\s+not connected/m);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes to do it');
    expect(deleted).toEqual({ code: 0, stdout: `Deleted installation ${id}.\n`, stderr: '' });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^npm run hs: .+ \(HTTP 404 NOT_FOUND\)\n$/);
  });
});

describe('npm run hs -- connect-link and disconnect', () => {
  it('prints a link alone on stdout that opens the connect page', async () => {
    // Prepare
    const id = await install();
    // Act
    const result = await hs(['connect-link', id, 'beta']);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${world.api.url}/connect/hcl_\\S+\\n$`));
    expect(result.stderr).toContain(`Single-use link for beta:default of ${id}, valid until`);
    expect((await fetch(result.stdout.trim())).status).toBe(200);
  });

  it("refuses what the API refuses, in the API's words", async () => {
    // Prepare
    const id = await install();
    // Act
    const result = await hs(['connect-link', id, 'crew']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is an agent-level integration');
    expect(result.stderr).toContain('(HTTP 400 INVALID_REQUEST)');
  });

  it('disconnects the default account, and the one named', async () => {
    // Prepare
    const id = await install();
    await imported(id, 'beta');
    await imported(id, 'crew', 'agent-7');
    // Act
    const beta = await hs(['disconnect', id, 'beta']);
    const crew = await hs(['disconnect', id, 'crew', '--account', 'agent-7']);
    // Assess
    expect(beta).toEqual({ code: 0, stdout: `Disconnected beta:default of ${id}.\n`, stderr: '' });
    expect(crew.code).toBe(0);
    expect(await accountsOf(id, 'beta')).toEqual([]);
    expect(await accountsOf(id, 'crew')).toEqual([]);
  });
});

type DeliverHandler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const runDeliverySchedule = async () =>
  ((await import('../../../functions/deliver')) as unknown as { handler: DeliverHandler }).handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-deliver'),
  );

/** The event is on its last attempt (what a day of failures does). */
async function onLastAttempt(id: string) {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: eventPk(id), sk: 'EVENT' },
      UpdateExpression: 'SET attempts = :attempts',
      ExpressionAttributeValues: { ':attempts': MAX_ATTEMPTS - 1 },
    }),
  );
}

describe('npm run hs -- events', () => {
  it('lists a dead delivery with the receiver’s answer, and replays it', async () => {
    // Prepare: an account.authorized event whose last attempt fails with a 500
    const id = await install();
    await imported(id, 'beta');
    const pending = JSON.parse(
      (await hs(['events', 'list', '--state', 'pending', '--all', '--json'])).stdout,
    ) as {
      events: Array<{ id: string; type: string; installation: string }>;
    };
    const event = pending.events.find((row) => row.installation === id && row.type === 'account.authorized');
    if (event === undefined) throw new Error('the import wrote no account.authorized event');
    await onLastAttempt(event.id);
    receiver.script([], 500);
    await runDeliverySchedule();
    // Act
    const dead = await hs(['events', 'list', '--state', 'dead']);
    receiver.clear();
    receiver.script([], 204);
    const replayed = await hs(['events', 'replay', event.id]);
    const again = await hs(['events', 'replay', event.id]);
    // Assess
    expect(dead.code).toBe(0);
    const [header, row] = dead.stdout.split('\n');
    expect(header).toMatch(/^ID\s+TYPE\s+STATE\s+ATTEMPTS\s+LAST ANSWER\s+CREATED\s+INSTALLATION$/);
    expect(row).toMatch(
      new RegExp(`^${event.id}\\s+account\\.authorized\\s+dead\\s+${MAX_ATTEMPTS}\\s+HTTP 500\\s`),
    );
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(
      new RegExp(`^${event.id}\\s+account\\.authorized\\s+delivered\\s+1\\s+HTTP 204`, 'm'),
    );
    expect(receiver.received.map((received) => received.event.id)).toEqual([event.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('only a dead event can be replayed');
    expect(again.stderr).toContain('(HTTP 409 CONFLICT)');
  });
});

describe('npm run hs -- overview', () => {
  it("prints GET /overview's counts as tables, and its JSON as is", async () => {
    // Act
    const json = await hs(['overview', '--json']);
    const table = await hs(['overview']);
    // Assess
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as {
      installations: { total: number };
      accounts: { byStatus: object };
    };
    const direct = await fetch(`${world.api.url}/overview`, { headers: bearer(ADMIN) });
    const api = (await direct.json()) as typeof view;
    expect(view.installations).toEqual(api.installations);
    expect(view.accounts).toEqual(api.accounts);
    expect(view.installations.total).toBeGreaterThan(0);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`installations:\\s+${api.installations.total}\\b`));
    expect(table.stdout).toMatch(/^INTEGRATION\s+AUTHORIZED\s+FAILING\s+REAUTHORIZATION_REQUIRED\s+TOTAL$/m);
    expect(table.stdout).toContain('grant_died');
  });
});

describe('npm run hs, refused', () => {
  it("answers a wrong key with the API's message and status, exit 1, the key never printed", async () => {
    // Act
    const result = await hs(['installations', 'list'], { key: 'hsa_not-the-admin-key' });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'npm run hs: Send "Authorization: Bearer <key>" with the admin key or this installation\'s key (HTTP 401 UNAUTHENTICATED)\n',
    );
  });

  it('says the key is missing, and refuses an unknown option with exit 2', async () => {
    // Act
    const missing = await hs(['events', 'list'], {});
    const unknown = await hs(['events', 'list', '--stat', 'dead']);
    // Assess
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HANDSHAKE_ADMIN_KEY is not set');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'npm run hs: unknown option --stat\nSee `npm run hs -- events list --help`.\n',
    );
  });
});
