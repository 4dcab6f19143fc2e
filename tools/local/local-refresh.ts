/**
 * The fan-out under `npm start`: our SQS server (or the one AWS_ENDPOINT_URL_SQS names), a
 * refresh queue per integration of the app, and the loop that hands their batches to the
 * refreshWorker function. HANDSHAKE_REFRESH_FAN_OUT=off leaves all of it out: the sweep then
 * refreshes in-process, as a small deployment may choose. The queues live in memory: after a
 * restart the keys still due in DynamoDB are sent again by the next sweep.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadApp, readAppDir } from '../app';
import { freePort, portIsFree } from './dynamodb-local';
import { createLocalRefreshQueues, type LocalRefreshQueue } from './refresh-queues';
import { workRefreshQueuesLocally } from './refresh-worker-loop';
import { type LocalSqs, startSqsServer } from './sqs-server';

/** The port local SQS servers are documented on (ElasticMQ's too); a second instance takes a free one. */
export const SQS_PORT = 9324;

export interface LocalRefresh {
  readonly endpoint: string;
  readonly client: SQSClient;
  readonly queues: readonly LocalRefreshQueue[];
  /** Stops the server this run started (not one AWS_ENDPOINT_URL_SQS named) and the client. */
  stop(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Starts the fan-out's local part; undefined when it is turned off. Throws with a sentence to print. */
export async function startLocalRefresh(
  env: Env,
  stage: string,
  appDir: string,
): Promise<LocalRefresh | undefined> {
  const choice = env.HANDSHAKE_REFRESH_FAN_OUT?.trim() || 'on';
  if (choice !== 'on' && choice !== 'off')
    throw new Error(`HANDSHAKE_REFRESH_FAN_OUT must be "on" or "off", got "${choice}"`);
  if (choice === 'off') return undefined;
  const given = env.AWS_ENDPOINT_URL_SQS?.trim();
  let server: LocalSqs | undefined;
  if (!given)
    server = await startSqsServer({ port: (await portIsFree(SQS_PORT)) ? SQS_PORT : await freePort() });
  const endpoint = given || (server?.endpoint ?? '');
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stop = async () => {
    client.destroy();
    await server?.stop();
  };
  // An invalid app has no integrations here; serverless-offline's build then says what is wrong.
  const app = loadApp(readAppDir(appDir)).app;
  const queues = await createLocalRefreshQueues(client, stage, [...(app?.integrations.keys() ?? [])]).catch(
    async (error: unknown) => {
      await stop();
      throw new Error(`the SQS at ${endpoint} did not make the refresh queues (${String(error)})`);
    },
  );
  const where = server ? 'the local SQS server' : 'the SQS';
  console.log(
    `Refresh fan-out: ${queues.length} queue${queues.length === 1 ? '' : 's'} on ${where} at ${endpoint}`,
  );
  return { endpoint, client, queues, stop };
}

/** What the data dir's record says of it, for `invoke local` (infra/local-environment.cjs). */
export const localRefreshRecord = (refresh: LocalRefresh | undefined) =>
  refresh === undefined
    ? {}
    : {
        refresh: {
          sqsEndpoint: refresh.endpoint,
          queues: Object.fromEntries(refresh.queues.map((queue) => [queue.integration, queue.url])),
        },
      };

/** The worker loop on serverless-offline's Lambda API at `lambdaUrl`; undefined without queues. */
export function startLocalRefreshWorkers(
  refresh: LocalRefresh | undefined,
  lambdaUrl: string,
  stage: string,
): { stop(): Promise<void> } | undefined {
  if (refresh === undefined || refresh.queues.length === 0) return undefined;
  const functionUrl = `${lambdaUrl}/2015-03-31/functions/handshake-${stage}-refreshWorker/invocations`;
  return workRefreshQueuesLocally(refresh.client, refresh.queues, functionUrl);
}
