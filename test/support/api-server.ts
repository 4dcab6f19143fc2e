/**
 * The HTTP API in-process, for tests that need a real HTTP endpoint (a browser, a provider's
 * redirect): routes come from serverless.yml, each request becomes the API Gateway (HTTP API,
 * payload 2.0) event the deployed function would get, and the function module's own handler
 * answers. Faster than serverless-offline, and the test controls the environment.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext } from './events';
import { inlineEvents, readServerlessFile } from './serverless-file';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface Route {
  readonly functionName: string;
  /** The handler's module as serverless.yml names it: `functions/refresh-now`. */
  readonly module: string;
  readonly method: string;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

/** Every `httpApi` route of serverless.yml, compiled. */
export function serverlessRoutes(): Route[] {
  const file = readServerlessFile();
  const routes: Route[] = [];
  for (const [functionName, fn] of Object.entries(file.functions)) {
    for (const event of inlineEvents(fn)) {
      if (typeof event.httpApi !== 'string') continue;
      const [method = '', path = ''] = event.httpApi.split(' ');
      const params: string[] = [];
      const source = path
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
          params.push(name);
          return '([^/]+)';
        });
      routes.push({
        functionName,
        module: fn.handler.slice(0, fn.handler.lastIndexOf('.')),
        method,
        routeKey: event.httpApi,
        pattern: new RegExp(`^${source}$`),
        params,
      });
    }
  }
  return routes;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(application\/json|text\/)/i;

function toEvent(request: IncomingMessage, route: Route, match: RegExpExecArray, body: Buffer, url: URL) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const pathParameters = Object.fromEntries(
    route.params.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
  );
  // Payload 2.0 moves the Cookie header into `cookies`.
  const cookies = headers.cookie?.split(';').map((pair) => pair.trim());
  delete headers.cookie;
  const binary = body.length > 0 && !TEXT_TYPES.test(headers['content-type'] ?? '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search === '' ? {} : { queryStringParameters: query }),
    ...(cookies === undefined ? {} : { cookies }),
    ...(route.params.length === 0 ? {} : { pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: binary,
    ...(body.length === 0 ? {} : { body: body.toString(binary ? 'base64' : 'utf8') }),
  };
  return event;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  /** Loads the function modules (after the test set the environment) and starts answering. */
  /** Loads each function's handler by its module path (serverless.yml's `handler`, less the export). */
  serve(load: (module: string) => Promise<Handler>): Promise<void>;
  close(): Promise<void>;
}

/** Listens at once (so the URL is known before the environment is set); answers after `serve`. */
export async function startApiServer(): Promise<ApiServer> {
  const routes = serverlessRoutes();
  const handlers = new Map<string, Handler>();
  const answer = async (request: IncomingMessage): Promise<APIGatewayProxyStructuredResultV2> => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const body = await readBody(request);
    for (const route of routes) {
      const match = route.method === request.method ? route.pattern.exec(url.pathname) : null;
      const handler = match === null ? undefined : handlers.get(route.functionName);
      if (match !== null && handler !== undefined) {
        return handler(toEvent(request, route, match, body, url), lambdaContext(route.functionName));
      }
    }
    return {
      statusCode: 404,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Not Found"}',
    };
  };
  const server: Server = createServer((request, response) => {
    answer(request)
      .then((result) => {
        const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
        if (result.cookies !== undefined) headers['set-cookie'] = result.cookies;
        response.writeHead(result.statusCode ?? 200, headers);
        const text = result.body ?? '';
        response.end(result.isBase64Encoded ? Buffer.from(text, 'base64') : text);
      })
      .catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`api-server: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async serve(load) {
      for (const route of routes)
        if (!handlers.has(route.functionName)) handlers.set(route.functionName, await load(route.module));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
