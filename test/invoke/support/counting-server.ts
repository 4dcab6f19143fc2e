import { type AddressInfo, createServer, type Socket } from 'node:net';

/** One HTTP/1.1 request head as it arrived on the wire, before any parsing by node:http. */
export interface RawRequest {
  readonly method: string;
  /** The request target exactly as sent: path and query, still percent-encoded. */
  readonly target: string;
  /** Header lines as sent, name and value split at the first ':'. */
  readonly headers: readonly (readonly [string, string])[];
  /** The whole head, request line to the blank line. */
  readonly head: string;
}

/**
 * A plain TCP listener that counts every connection it accepts and every byte it receives, so a
 * test can say "nothing left Handshake". It speaks just enough HTTP to answer each request head
 * with `status` and `Connection: close`; a TLS ClientHello is counted and the socket dropped.
 */
export interface CountingServer {
  readonly host: string;
  readonly port: number;
  /** `host:port`, with brackets for IPv6. */
  readonly authority: string;
  connections(): number;
  bytes(): number;
  readonly requests: RawRequest[];
  close(): Promise<void>;
}

export interface CountingServerOptions {
  readonly host: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly status?: number;
  readonly body?: string;
}

const HEAD_END = '\r\n\r\n';
const TLS_HANDSHAKE = 0x16;

function parseHead(head: string): RawRequest {
  const [requestLine = '', ...lines] = head.split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { method, target, headers, head };
}

export async function startCountingServer(options: CountingServerOptions): Promise<CountingServer> {
  const status = options.status ?? 200;
  const body = options.body ?? 'upstream says hi';
  const sockets = new Set<Socket>();
  const requests: RawRequest[] = [];
  let connections = 0;
  let bytes = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (buffered === '' && chunk[0] === TLS_HANDSHAKE) {
        socket.destroy();
        return;
      }
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) return;
      requests.push(parseHead(buffered.slice(0, end)));
      buffered = buffered.slice(end + HEAD_END.length);
      socket.end(
        `HTTP/1.1 ${status} Probe\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: options.host,
    port,
    authority: `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    connections: () => connections,
    bytes: () => bytes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Two listeners on the same port of two loopback addresses (`127.0.0.2:p` and `127.0.0.1:p`):
 * the free port of the first may be taken on the second, so a few ports are tried.
 */
export async function startOnSamePort(
  first: CountingServerOptions,
  second: CountingServerOptions,
): Promise<[CountingServer, CountingServer]> {
  for (let tries = 0; tries < 20; tries++) {
    const a = await startCountingServer(first);
    try {
      return [a, await startCountingServer({ ...second, port: a.port })];
    } catch (error) {
      await a.close();
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('no port was free on both addresses');
}
