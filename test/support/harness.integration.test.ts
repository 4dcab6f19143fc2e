/**
 * A harness whose last part fails to start stops the parts it had started: a server or child
 * process left running keeps jest alive after the last test (it hung for good without Chromium).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../lib/store/dynamo';
import { testEndpoint } from './dynamo';
import { startWorld } from './harness';

/** The handles that keep a process alive: servers, sockets, child processes and their pipes. */
const openHandles = () =>
  process
    .getActiveResourcesInfo()
    .filter((kind) => !['Timeout', 'Immediate'].includes(kind))
    .sort();

/** The handles in `after` beyond those in `before`, kind by kind. */
function added(before: readonly string[], after: readonly string[]): string[] {
  const left = [...before];
  return after.filter((kind) => {
    const at = left.indexOf(kind);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

/**
 * The handles added since `before`, once they stop going away (up to 3 s): a library's own
 * handle (playwright's, after a failed launch) may close just after the rejection reached us,
 * while a server or child of the harness left running stays — and fails the test.
 */
async function addedOnceSettled(before: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + 3000;
  let extra = added(before, openHandles());
  while (extra.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    extra = added(before, openHandles());
  }
  return extra;
}

async function tableNames(): Promise<string[]> {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: testEndpoint(), local: true });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'handshake-harness-'));
/** Exists and runs, but is no browser: playwright spawns it, then its launch fails. */
const notABrowser = join(dir, 'not-a-browser');
writeFileSync(notABrowser, '#!/bin/sh\nexit 1\n');
chmodSync(notABrowser, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  [
    'is missing',
    join(dir, 'missing-chromium'),
    /Chromium cannot be launched[\s\S]*apt-get install -y chromium/,
  ],
  ['exits at once', notABrowser, /browserType\.launch/],
])(
  'when Chromium %s, the table, API server and OAuth server it started are gone',
  async (_case, path, error) => {
    // Prepare
    const handlesBefore = openHandles();
    const tablesBefore = await tableNames();

    // Act
    const started = startWorld({ chromiumPath: path });

    // Assess
    await expect(started).rejects.toThrow(error);
    // Nothing more of any kind than before: what this worker's previous test file left may
    // still close meanwhile, but a server, socket or child of this harness would be one more.
    expect(await addedOnceSettled(handlesBefore)).toEqual([]);
    expect(await tableNames()).toEqual(tablesBefore);
  },
);
