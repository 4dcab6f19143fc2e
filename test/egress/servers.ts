import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real local server that records every TCP connection it accepts and every request. */
export interface LocalServer {
  readonly port: number;
  /** TCP connections accepted so far: proves whether a refused request reached the server. */
  readonly connections: () => number;
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const requests: IncomingMessage[] = [];
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage) => requests.push(request));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export const startHttpServer = (handler: Handler, host = '127.0.0.1', port = 0): Promise<LocalServer> =>
  listen(createHttpServer(handler), host, port);

/**
 * An HTTPS server with a self-signed certificate for `egress.test`; `servernames` collects
 * the SNI of every handshake, which happens before the client rejects the certificate.
 */
export async function startHttpsServer(handler: Handler, servernames: string[]): Promise<LocalServer> {
  const fixtures = join(__dirname, 'fixtures');
  const server = createHttpsServer(
    {
      key: readFileSync(join(fixtures, 'self-signed.key')),
      cert: readFileSync(join(fixtures, 'self-signed.crt')),
      SNICallback: (servername, callback) => {
        servernames.push(servername);
        callback(null);
      },
    },
    handler,
  );
  return listen(server, '127.0.0.1', 0);
}

const mtls = (name: string) => readFileSync(join(__dirname, 'fixtures', 'mtls', name), 'utf8');

/** The PEM files of test/egress/fixtures/mtls: a server CA and its localhost certificate, a client CA and its client, a stranger. */
export const MTLS = {
  serverCa: mtls('server-ca.crt'),
  clientCert: mtls('client.crt'),
  clientKey: mtls('client.key'),
  clientKeyEncrypted: mtls('client-encrypted.key'),
  passphrase: 'test-passphrase',
  strangerCert: mtls('stranger.crt'),
  strangerKey: mtls('stranger.key'),
} as const;

/**
 * An HTTPS server on 127.0.0.1 whose certificate (for localhost) is signed by a private CA and
 * which demands a client certificate signed by the client CA: mutual TLS. `clients` collects the
 * subject CN of each client certificate it accepted.
 */
export async function startMutualTlsServer(clients: string[]): Promise<LocalServer> {
  const server = createHttpsServer(
    {
      key: mtls('server.key'),
      cert: mtls('server.crt'),
      ca: mtls('client-ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      const socket = request.socket as import('node:tls').TLSSocket;
      clients.push(String(socket.getPeerCertificate().subject?.CN));
      response.end('mutual');
    },
  );
  return listen(server, '127.0.0.1', 0);
}
