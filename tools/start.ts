/**
 * `npm start`: the whole backend on this machine — DynamoDB Local (data under
 * HANDSHAKE_DATA_DIR), the local secrets file, the local SQS server with the refresh queues and
 * their worker loop (the fan-out; HANDSHAKE_REFRESH_FAN_OUT=off refreshes in the sweep instead),
 * and the HTTP API through serverless-offline. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BUILDS,
  buildFolderOf,
  dataDirOf,
  localEnvironment,
  readRecord,
  writeRecord,
} from '../infra/local-environment.cjs';
import { createFileSecretSource } from '../lib/secrets/file';
import { createDynamoClient, documentClient } from '../lib/store/dynamo';
import { dynamoDueQueue } from '../lib/store/dynamo-due-queue';
import { ensureTable } from '../lib/store/table';
import { parseOrExit } from './cli';
import { deliverEventsLocally } from './local/deliver-loop';
import {
  freePort,
  type LocalDynamo,
  PortTakenError,
  portIsFree,
  startDynamoLocal,
} from './local/dynamodb-local';
import {
  type LocalRefresh,
  localRefreshRecord,
  startLocalRefresh,
  startLocalRefreshWorkers,
} from './local/local-refresh';
import { ensureLocalSecrets } from './local/local-secrets';
import { readableLine } from './local/log-view';
import { forwardRedacted } from './local/redact';
import { printRunning } from './local/running-banner';
import { START_USAGE } from './local/start-usage';

const options = parseOrExit({
  usage: START_USAGE,
  options: { stage: { type: 'string' } },
  maxPositionals: 0,
}).values;
const REPO_ROOT = resolve(__dirname, '..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const env = process.env;
const port = Number(env.PORT ?? '3000');
// npm runs scripts in the repository root: a relative data dir is relative to it.
const dataDir = dataDirOf(env, process.cwd());
const stage = options.stage ?? env.HANDSHAKE_STAGE ?? 'dev';
const tableName = `handshake-${stage}`;
/** The app the notice of missing credentials reads, and the data dir its commands name (if not the default). */
const noticeWhere = {
  appDir: resolve(REPO_ROOT, env.APP_DIR?.trim() || 'app'),
  ...(env.HANDSHAKE_DATA_DIR?.trim() ? { dataDir } : {}),
};
const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');

/** What this run started, so that a failure half-way leaves no process behind. */
const children: ChildProcess[] = [];

function fail(message: string): never {
  console.error(`\nnpm start: ${message}`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  process.exit(1);
}

interface DynamoPlan {
  readonly endpoint: string;
  /** The port to start DynamoDB Local on; undefined when one is already serving `endpoint`. */
  readonly startOn: number | undefined;
  /** Whether this script chose the port (no AWS_ENDPOINT_URL_DYNAMODB), so it may choose another. */
  readonly chosen?: boolean;
}

const isLoopbackHost = (host: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(host);

async function dynamoPlan(): Promise<DynamoPlan> {
  const given = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (given !== undefined && given !== '') {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      fail(`AWS_ENDPOINT_URL_DYNAMODB must be a URL like http://127.0.0.1:8000, got "${given}"`);
    }
    const endpoint = given.replace(/\/+$/, '');
    const givenPort = Number(url.port || (url.protocol === 'https:' ? '443' : '80'));
    // A DynamoDB you already run (Docker, another terminal) is used as is; a free local port
    // gets a DynamoDB Local of our own.
    const ours = isLoopbackHost(url.hostname) && (await portIsFree(givenPort));
    return { endpoint, startOn: ours ? givenPort : undefined };
  }
  // 8000 is the documented default; a second instance (another data dir) gets a free port,
  // recorded in its data dir so `serverless invoke local` finds the same database.
  const chosen = (await portIsFree(8000)) ? 8000 : await freePort();
  return { endpoint: `http://127.0.0.1:${chosen}`, startOn: chosen, chosen: true };
}

/** Whether the instance last recorded in this data dir still has its DynamoDB Local running. */
async function runningOnSameData(): Promise<boolean> {
  const { record } = readRecord(dataDir);
  if (record === undefined) return false;
  const recordedPort = Number(new URL(record.dynamodbEndpoint).port);
  return Number.isInteger(recordedPort) && recordedPort > 0 && !(await portIsFree(recordedPort));
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      fail('serverless-offline exited before it served /health (see its output above)');
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`the API did not answer on ${url}/health within ${timeoutMs / 1000} s`);
}

/**
 * serverless-offline with its output piped, not inherited: it prints every request path
 * ("GET /connect/hcl_…") and has no option to stop that. A connect link or a state is a bearer
 * credential, so each line passes the redactor on its way to the terminal.
 */
/** Lines as they go to the terminal: redacted, then readable unless HANDSHAKE_LOG=raw. */
function terminal(to: NodeJS.WriteStream): { write(text: string): void } {
  if (env.HANDSHAKE_LOG === 'raw') return to;
  return {
    write: (text: string) => {
      for (const line of text.split('\n')) {
        const shown = readableLine(line);
        if (shown !== undefined) to.write(`${shown}\n`);
      }
    },
  };
}

function startOffline(childEnv: NodeJS.ProcessEnv, lambdaPort: number): ChildProcess {
  const serverless = join(REPO_ROOT, 'node_modules', '.bin', 'serverless');
  // Piped output is not a terminal; keep its colours when ours is one.
  const colour = process.stdout.isTTY && env.FORCE_COLOR === undefined ? { FORCE_COLOR: '1' } : {};
  const child = spawn(
    serverless,
    [
      'offline',
      'start',
      '--stage',
      stage,
      '--httpPort',
      String(port),
      '--lambdaPort',
      String(lambdaPort),
      // Without it the handlers see only AWS_* and serverless.yml's variables, not the data dir.
      '--localEnvironment',
    ],
    { env: { ...childEnv, ...colour }, stdio: ['inherit', 'pipe', 'pipe'] },
  );
  if (child.stdout !== null) forwardRedacted(child.stdout, terminal(process.stdout));
  if (child.stderr !== null) forwardRedacted(child.stderr, terminal(process.stderr));
  return child;
}

/** Starts DynamoDB Local on the data dir, unless another npm start already runs on it. */
async function startLocalDynamo(
  endpoint: string,
  startOn: number,
  portWasChosen: boolean,
): Promise<LocalDynamo> {
  if (await runningOnSameData()) {
    fail(
      `another npm start runs on ${dataDir} (its DynamoDB Local answers); stop it, or give this one another HANDSHAKE_DATA_DIR`,
    );
  }
  const path = join(dataDir, 'dynamodb');
  console.log(`Starting DynamoDB Local on ${endpoint} (data in ${path}) …`);
  const dynamo = await startDynamoLocal({ port: startOn, path }).catch(async (error: unknown) => {
    // Two instances started at once both saw the port free; the one that lost takes another port.
    if (!(error instanceof PortTakenError) || !portWasChosen) throw error;
    const other = await freePort();
    console.log(`Port ${startOn} was taken meanwhile; DynamoDB Local goes to ${other}`);
    return startDynamoLocal({ port: other, path });
  });
  children.push(dynamo.process);
  return dynamo;
}

/** The table (created when missing) and the local secrets (generated when missing). */
async function prepareStorage(endpoint: string) {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, local: true });
  const table = await ensureTable(client, tableName).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`DynamoDB at ${endpoint} did not answer as DynamoDB (${reason})`);
  });
  console.log(`Table ${tableName}: ${table === 'created' ? 'created' : 'found, data kept'}`);

  const given = env.HANDSHAKE_ADMIN_KEY;
  const secretSource = createFileSecretSource(dataDir);
  const secrets = await ensureLocalSecrets(secretSource, {
    ...(given === undefined || given === '' ? {} : { adminKey: given }),
  });

  return { client, secretSource, secrets };
}

/** The handlers' environment: the user's, the instance's (local-environment.cjs), its own build folder. */
function childEnvironment(
  dynamodbEndpoint: string,
  refreshRecord: ReturnType<typeof localRefreshRecord>,
): NodeJS.ProcessEnv {
  return {
    ...env,
    ...localEnvironment(env, { stage, dataDir, dynamodbEndpoint, port, publicUrl, ...refreshRecord }),
    // Bundles of its own: a package, an invoke local or another instance never touches them.
    HANDSHAKE_BUILD_DIR: buildFolderOf(dataDir),
  };
}

/** With HANDSHAKE_WEBHOOK_URL set, the loop that stands in for the table stream; answers the URL. */
function deliverToWebhook(client: DynamoDBClient, lambdaPort: number, stopped: () => boolean) {
  const webhookUrl = env.HANDSHAKE_WEBHOOK_URL?.trim();
  if (!webhookUrl) {
    client.destroy();
    return undefined;
  }
  const queue = dynamoDueQueue({ client: documentClient(client), tableName });
  const deliverUrl = `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/handshake-${stage}-deliver/invocations`;
  deliverEventsLocally(queue, deliverUrl, stopped, (message) => console.error(`npm start: ${message}`));
  return webhookUrl;
}

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`PORT must be a port number, got "${env.PORT}"`);
  if (!(await portIsFree(port))) fail(`port ${port} is in use; set PORT to another one`);
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o700 });

  const plan = await dynamoPlan();
  let endpoint = plan.endpoint;
  let dynamo: LocalDynamo | undefined;
  let offline: ChildProcess | undefined;
  let refresh: LocalRefresh | undefined;
  let workers: { stop(): Promise<void> } | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Handshake …');
    const offlineExited =
      offline === undefined || offline.exitCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => offline?.once('exit', () => resolve()));
    await Promise.race([workers?.stop(), sleep(5_000)]);
    offline?.kill('SIGTERM');
    await Promise.all([dynamo?.stop(), refresh?.stop(), Promise.race([offlineExited, sleep(5_000)])]);
    // Every start builds anew: the bundles would only pile up, one folder per data dir.
    rmSync(join(REPO_ROOT, BUILDS, buildFolderOf(dataDir)), { recursive: true, force: true });
    console.log(`Stopped. The data stays in ${dataDir}; \`npm start\` goes on from it.`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (plan.startOn === undefined) {
    console.log(`Using the DynamoDB at ${endpoint} (AWS_ENDPOINT_URL_DYNAMODB)`);
  } else {
    dynamo = await startLocalDynamo(endpoint, plan.startOn, plan.chosen === true);
    endpoint = dynamo.endpoint;
  }
  refresh = await startLocalRefresh(env, stage, noticeWhere.appDir).catch((error: unknown) =>
    fail(error instanceof Error ? error.message : String(error)),
  );
  const refreshRecord = localRefreshRecord(refresh);
  writeRecord(dataDir, { dynamodbEndpoint: endpoint, port, publicUrl, stage, ...refreshRecord });

  const { client, secretSource, secrets } = await prepareStorage(endpoint);
  const lambdaPort = await freePort();
  offline = startOffline(childEnvironment(endpoint, refreshRecord), lambdaPort);
  children.push(offline);
  offline.on('exit', (code) => {
    if (!stopping) {
      console.error(`serverless-offline exited (${code ?? 'signal'}); stopping`);
      void stop(code ?? 1);
    }
  });

  await waitForHealth(`http://127.0.0.1:${port}`, offline, 120_000);
  workers = startLocalRefreshWorkers(refresh, `http://127.0.0.1:${lambdaPort}`, stage);
  const webhookUrl = deliverToWebhook(client, lambdaPort, () => stopping);
  await printRunning({ publicUrl, dataDir, noticeWhere }, endpoint, secrets, webhookUrl, secretSource);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
