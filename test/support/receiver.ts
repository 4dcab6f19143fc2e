/**
 * A real webhook receiver for event tests: records every request exactly as it arrived and
 * answers what the test scripts — a status per request, or never.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  readonly headers: IncomingMessage['headers'];
  /** The body exactly as received. */
  readonly raw: string;
  /** The parsed body. */
  readonly event: {
    id: string;
    type: string;
    time: string;
    installation: string;
    integration: string | null;
    account: string | null;
    status: string;
    data: Record<string, unknown>;
  };
}

export type Answer = number | 'hang';

export interface Receiver {
  readonly url: string;
  readonly received: ReceivedEvent[];
  /** The next requests get these answers, in order; after them, `otherwise`. */
  script(answers: readonly Answer[], otherwise?: Answer): void;
  /** Every request seen of `type`. */
  ofType(type: string): ReceivedEvent[];
  clear(): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedEvent[] = [];
  let queue: Answer[] = [];
  let fallback: Answer = 204;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    received.push({ headers: request.headers, raw, event: JSON.parse(raw) as ReceivedEvent['event'] });
    const answer = queue.shift() ?? fallback;
    if (answer === 'hang') return;
    response.writeHead(answer, { 'content-type': 'text/plain' });
    response.end(answer < 300 ? '' : 'receiver failure');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/handshake-events`,
    received,
    script(answers, otherwise = 204) {
      queue = [...answers];
      fallback = otherwise;
    },
    ofType: (type) => received.filter((request) => request.event.type === type),
    clear() {
      received.length = 0;
      queue = [];
      fallback = 204;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
