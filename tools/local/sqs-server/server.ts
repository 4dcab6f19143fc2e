import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionContext } from './params';
import { parseRequest, sendAnswer, sendError } from './protocol';
import { type Clock, systemClock } from './queue';
import { QueueStore } from './store';

/** A running local SQS server (npm start, the integration tests). */
export interface LocalSqs {
  readonly endpoint: string;
  readonly port: number;
  readonly store: QueueStore;
  close(): Promise<void>;
  /** The same as close(), named like LocalDynamo.stop() so both start and stop alike. */
  stop(): Promise<void>;
}

export interface SqsServerOptions {
  /** 0 or absent: a free port chosen by the system. */
  readonly port?: number;
  readonly host?: string;
  readonly clock?: Clock;
}

async function handle(
  base: Omit<ActionContext, 'signal'>,
  closing: AbortSignal,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // A long poll ends when the server closes or its client goes away.
  const gone = new AbortController();
  response.once('close', () => gone.abort());
  try {
    const { action, input } = await parseRequest(request);
    const answer = await action({ ...base, signal: AbortSignal.any([closing, gone.signal]) }, input);
    if (!response.destroyed) sendAnswer(response, answer);
  } catch (error) {
    if (!response.destroyed) sendError(response, error);
  }
}

/** Starts an in-memory SQS server speaking the AWS JSON 1.0 protocol of @aws-sdk/client-sqs. */
export async function startSqsServer(options: SqsServerOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const store = new QueueStore(options.clock ?? systemClock);
  const closing = new AbortController();
  const context = { store, baseUrl: '' };
  const server = createServer((request, response) => {
    void handle(context, closing.signal, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  context.baseUrl = endpoint;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((error) => (error === undefined ? resolve() : reject(error)));
      server.closeIdleConnections();
      // Long polls just answered; give their responses a moment, then drop whatever is left.
      setTimeout(() => server.closeAllConnections(), 100).unref();
    });
  return { endpoint, port, store, close, stop: close };
}
