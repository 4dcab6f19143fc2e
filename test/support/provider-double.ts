/**
 * A provider with a quirk, as a small HTTP server: its token endpoint(s) and its API in one,
 * recording every request as it arrived and answering what the test says. With it a test runs a
 * quirk end to end through the HTTP API — connect link, connect form, callback, refresh now,
 * invoke — on DynamoDB Local, and asserts what the provider and its API received
 * (test/providers/). The app is written to a temp folder naming the double's port.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ADMIN, bearer, callback, linkFor, startAuthorization, world } from './harness';

export interface ProviderCall {
  readonly method: string;
  /** The path, undecoded, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface Answer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as it is; anything else as JSON. */
  readonly body?: unknown;
}

export interface ProviderDouble {
  readonly port: number;
  /** `http://localhost:<port>`: what the app's URLs start with. */
  readonly origin: string;
  /** `localhost:<port>`: a template host. */
  readonly host: string;
  readonly calls: ProviderCall[];
  /** What the double answers; by default a token set at POST and an echo of the request otherwise. */
  answer: (call: ProviderCall, count: number) => Answer;
  /** The calls to `path` (as sent, without the query). */
  callsTo(path: string): ProviderCall[];
  /** The form (or JSON object) a call carried, as strings. */
  formOf(call: ProviderCall | undefined): Record<string, string>;
  close(): Promise<void>;
}

/** A token answer: fresh tokens that live an hour unless `extra` says otherwise. */
export const tokens = (n: number, extra: Readonly<Record<string, unknown>> = {}): Answer => ({
  body: {
    access_token: `at-${n}`,
    refresh_token: `rt-${n}`,
    expires_in: 3600,
    token_type: 'bearer',
    ...extra,
  },
});

const echo = (call: ProviderCall): Answer => ({
  body: {
    method: call.method,
    path: call.path,
    query: Object.fromEntries(call.query),
    headers: call.headers,
  },
});

export async function startProviderDouble(): Promise<ProviderDouble> {
  const calls: ProviderCall[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [path = '/', search = ''] = (request.url ?? '/').split('?');
      const call: ProviderCall = {
        method: request.method ?? '',
        path,
        query: new URLSearchParams(search),
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      const answer = double.answer(call, calls.filter((c) => c.path === path).length);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const double: ProviderDouble = {
    port,
    origin: `http://localhost:${port}`,
    host: `localhost:${port}`,
    calls,
    answer: (call, count) =>
      call.method === 'POST' && call.path.includes('token') ? tokens(count) : echo(call),
    callsTo: (target) => calls.filter((call) => call.path === target),
    formOf: (call) => {
      if (call === undefined) return {};
      if ((call.headers['content-type'] ?? '').startsWith('application/json'))
        return JSON.parse(call.body) as Record<string, string>;
      return Object.fromEntries(new URLSearchParams(call.body));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return double;
}

/**
 * Starts the double before the harness (whose app names its port) and stops it after; the
 * getter gives it. Call before `useHarness`.
 */
export function useProviderDouble(): () => ProviderDouble {
  let double: ProviderDouble | undefined;
  beforeAll(async () => {
    double = await startProviderDouble();
  });
  afterAll(async () => {
    await double?.close();
  });
  return () => {
    if (double === undefined) throw new Error('the provider double runs only once the tests do');
    return double;
  };
}

export interface AppFiles {
  readonly oauthConfig: unknown;
  readonly requests: Readonly<Record<string, unknown>>;
  readonly iparams?: unknown;
}

/** The app folder (manifest from the templates' names), in a temp dir: its path, for APP_DIR. */
export function writeApp(files: AppFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-provider-double-'));
  const write = (name: string, value: unknown) => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), JSON.stringify(value, null, 2));
  };
  write('manifest.json', {
    'platform-version': '3.1',
    modules: {
      common: { requests: Object.fromEntries(Object.keys(files.requests).map((name) => [name, {}])) },
    },
  });
  write('config/oauth_config.json', files.oauthConfig);
  write('config/requests.json', files.requests);
  if (files.iparams !== undefined) write('config/iparams.json', files.iparams);
  return dir;
}

export interface Connection {
  /** The provider URL the connect form redirected to (the authorization request). */
  readonly authorize: URL;
  /** The callback's answer. */
  readonly status: number;
  readonly page: string;
}

/**
 * A person connects over the HTTP API, without a browser: a connect link, the form (with
 * `fields`), and the provider's redirect back with a code and `callbackParams` (the code under
 * `codeParam` when the provider calls it otherwise).
 */
export async function connectOverApi(
  installationId: string,
  options: {
    readonly integration: string;
    readonly account?: string;
    readonly fields?: Record<string, string>;
    readonly link?: Readonly<Record<string, unknown>>;
    readonly code?: string;
    readonly codeParam?: string;
    readonly callbackParams?: Record<string, string>;
  },
): Promise<Connection> {
  const link = await linkFor(installationId, {
    integration: options.integration,
    ...(options.account === undefined ? {} : { account: options.account }),
    ...options.link,
  });
  const started = await startAuthorization(link, options.fields ?? {});
  const response = await callback(
    {
      state: started.state,
      [options.codeParam ?? 'code']: options.code ?? 'the-code',
      ...options.callbackParams,
    },
    started.cookie,
  );
  return { authorize: started.provider, status: response.status, page: await response.text() };
}

/** POST …/integrations/{name}/refresh with the admin key: the answer's status and body. */
export async function refreshOverApi(installationId: string, integration: string, account = 'default') {
  const response = await fetch(
    `${world.api.url}/installations/${installationId}/integrations/${integration}/refresh`,
    {
      method: 'POST',
      headers: bearer(ADMIN),
      body: JSON.stringify({ account }),
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every string in `value` with `rewrite` applied; objects rebuilt, nothing shared with the input. */
const mapStrings = (value: Json, rewrite: (text: string) => string): Json => {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, rewrite));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, rewrite)]));
  return value;
};

/**
 * A recipe of docs/providers.md (its folder, test/fixtures/provider-recipes/<name>) pointed at
 * the double: each of `hosts` (`login.salesforce.com`) becomes the double's `localhost:<port>`
 * over http — in URLs, in template hosts (whose `protocol` turns `http`) and in allowed_hosts,
 * to which the double's host is added (localhost fixes no registrable domain). Everything else
 * is the recipe as documented. Returns the folder, for APP_DIR.
 */
export function recipeApp(name: string, double: ProviderDouble, hosts: readonly string[]): string {
  const source = join(__dirname, '..', 'fixtures', 'provider-recipes', name);
  const read = (file: string): Json | undefined => {
    try {
      return JSON.parse(readFileSync(join(source, file), 'utf8')) as Json;
    } catch {
      return undefined;
    }
  };
  const escaped = hosts.map((host) => host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(https://)?(${escaped.join('|')})(?![\\w.-])`, 'g');
  const rewrite = (text: string) =>
    text.replace(
      pattern,
      (_whole, scheme: string | undefined) => `${scheme === undefined ? '' : 'http://'}${double.host}`,
    );
  const oauth = mapStrings(read('config/oauth_config.json') ?? {}, rewrite) as {
    integrations?: Record<string, { handshake?: { allowed_hosts?: string[] } }>;
  };
  for (const integration of Object.values(oauth.integrations ?? {})) {
    integration.handshake ??= {};
    integration.handshake.allowed_hosts = [...(integration.handshake.allowed_hosts ?? []), double.host];
  }
  const requests = mapStrings(read('config/requests.json') ?? {}, rewrite) as Record<
    string,
    { schema?: { host?: string; protocol?: string } }
  >;
  for (const template of Object.values(requests))
    if (template.schema?.host?.includes(double.host)) template.schema.protocol = 'http';
  const iparams = read('config/iparams.json');
  return writeApp({ oauthConfig: oauth, requests, ...(iparams === undefined ? {} : { iparams }) });
}
