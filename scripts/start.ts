/**
 * `npm start`: the whole backend on this machine — DynamoDB Local (data under
 * HANDSHAKE_DATA_DIR), the local secrets file, and the HTTP API through serverless-offline.
 * Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, type LocalDynamo, portIsFree, startDynamoLocal } from '../lib/local/dynamodb-local';
import { forwardRedacted } from '../lib/observability/redact';
import { ensureLocalSecrets } from '../lib/secrets/bootstrap';
import { createFileSecretSource, secretsFilePath } from '../lib/secrets/file';
import { createDynamoClient, documentClient } from '../lib/store/dynamo';
import { dynamoOutbox } from '../lib/store/dynamo-outbox';
import type { Outbox } from '../lib/store/ports';
import { ensureTable } from '../lib/store/table';

/** Loopback only: local providers and APIs work, nothing else private is reachable. */
const LOCAL_EGRESS_ALLOW = '127.0.0.0/8,::1/128,localhost';

const env = process.env;
const port = Number(env.PORT ?? '3000');
const dataDir = resolve(env.HANDSHAKE_DATA_DIR ?? '.handshake');
const stage = env.HANDSHAKE_STAGE ?? 'dev';
const tableName = `handshake-${stage}`;
const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');

/** How often the deliver function runs locally; in AWS the table's stream wakes it at once. */
const LOCAL_DELIVERY_INTERVAL_MS = 2_000;

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
  return { endpoint: `http://127.0.0.1:${chosen}`, startOn: chosen };
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

/** Whether any auth event is waiting for delivery now. */
async function eventsDue(outbox: Outbox): Promise<boolean> {
  const now = Date.now();
  for (const shard of outbox.shards) if ((await outbox.due(shard, now, 1)).ids.length > 0) return true;
  return false;
}

/**
 * serverless-offline has no DynamoDB streams and runs the deliver schedule once a minute, so
 * this loop stands in for the stream: when an event is due, it invokes the deliver function
 * through serverless-offline's Lambda API — the same handler on the same outbox as in AWS.
 */
function deliverEventsLocally(outbox: Outbox, lambdaPort: number, stopped: () => boolean): void {
  const url = `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/handshake-${stage}-deliver/invocations`;
  const scheduled = JSON.stringify({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  let warned = false;
  const deliver = async () => {
    const response = await fetch(url, { method: 'POST', body: scheduled });
    await response.arrayBuffer();
    if (!response.ok && !warned) {
      warned = true;
      console.error(`npm start: the local deliver run answered ${response.status}; see the output above`);
    }
  };
  const tick = async () => {
    if (stopped()) return;
    try {
      if (await eventsDue(outbox)) await deliver();
    } catch {
      // Nothing due, or serverless-offline is stopping or restarting; the next tick tries again.
    }
    setTimeout(() => void tick(), LOCAL_DELIVERY_INTERVAL_MS).unref();
  };
  void tick();
}

/**
 * serverless-offline with its output piped, not inherited: it prints every request path
 * ("GET /connect/hcl_…") and has no option to stop that. A connect link or a state is a bearer
 * credential, so each line passes the redactor on its way to the terminal.
 */
function startOffline(childEnv: NodeJS.ProcessEnv, lambdaPort: number): ChildProcess {
  const serverless = join(resolve(__dirname, '..'), 'node_modules', '.bin', 'serverless');
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
  if (child.stdout !== null) forwardRedacted(child.stdout, process.stdout);
  if (child.stderr !== null) forwardRedacted(child.stderr, process.stderr);
  return child;
}

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`PORT must be a port number, got "${env.PORT}"`);
  if (!(await portIsFree(port))) fail(`port ${port} is in use; set PORT to another one`);
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o700 });

  const { endpoint, startOn } = await dynamoPlan();
  let dynamo: LocalDynamo | undefined;
  let offline: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    offline?.kill('SIGTERM');
    await dynamo?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (startOn === undefined) {
    console.log(`Using the DynamoDB at ${endpoint} (AWS_ENDPOINT_URL_DYNAMODB)`);
  } else {
    console.log(`Starting DynamoDB Local on ${endpoint} (data in ${join(dataDir, 'dynamodb')}) …`);
    dynamo = await startDynamoLocal({ port: startOn, path: join(dataDir, 'dynamodb') });
    children.push(dynamo.process);
  }
  writeFileSync(
    join(dataDir, 'local.json'),
    `${JSON.stringify({ dynamodbEndpoint: endpoint, port }, null, 2)}\n`,
  );

  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, local: true });
  const table = await ensureTable(client, tableName).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`DynamoDB at ${endpoint} did not answer as DynamoDB (${reason})`);
  });
  console.log(`Table ${tableName}: ${table === 'created' ? 'created' : 'found, data kept'}`);

  const given = env.HANDSHAKE_ADMIN_KEY;
  const secrets = await ensureLocalSecrets(createFileSecretSource(dataDir), {
    ...(given === undefined || given === '' ? {} : { adminKey: given }),
  });

  const lambdaPort = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_STAGE: stage,
    HANDSHAKE_DATA_DIR: dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    PUBLIC_URL: publicUrl,
    PORT: String(port),
    HANDSHAKE_EGRESS_ALLOW: env.HANDSHAKE_EGRESS_ALLOW ?? LOCAL_EGRESS_ALLOW,
    AWS_REGION: env.AWS_REGION ?? 'us-east-1',
    // Handlers reach only DynamoDB Local and the secrets file; the SDK still wants credentials.
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  offline = startOffline(childEnv, lambdaPort);
  children.push(offline);
  offline.on('exit', (code) => {
    if (!stopping) {
      console.error(`serverless-offline exited (${code ?? 'signal'}); stopping`);
      void stop(code ?? 1);
    }
  });

  await waitForHealth(`http://127.0.0.1:${port}`, offline, 120_000);
  const webhookUrl = env.HANDSHAKE_WEBHOOK_URL?.trim();
  if (webhookUrl) {
    const outbox = dynamoOutbox({ client: documentClient(client), tableName });
    deliverEventsLocally(outbox, lambdaPort, () => stopping);
  } else {
    client.destroy();
  }
  console.log('');
  console.log(`Handshake is running at ${publicUrl}`);
  console.log(`  data dir:   ${dataDir}`);
  console.log(`  DynamoDB:   ${endpoint}`);
  // Shown once, when generated (like an installation key); later starts only say where it is.
  if (secrets.created) {
    console.log(
      `  admin key:  ${secrets.adminKey}  (generated now and shown once; \`npm run -s admin-key\` prints it again)`,
    );
  } else {
    const origin = given !== undefined && given !== '' ? 'from HANDSHAKE_ADMIN_KEY, ' : '';
    console.log(
      `  admin key:  ${origin}kept in ${secretsFilePath(dataDir)}; \`npm run -s admin-key\` prints it`,
    );
  }
  if (webhookUrl) {
    console.log(
      `  webhooks:   auth events to ${webhookUrl}, checked every ${LOCAL_DELIVERY_INTERVAL_MS / 1000} s`,
    );
    console.log('              (`npm run -s secrets -- webhook-secret` prints the signing secret)');
  }
  console.log(`  try:        curl ${publicUrl}/health`);
  console.log('Ctrl-C stops everything.');
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
