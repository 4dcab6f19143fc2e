/**
 * The parts of a handshake test: a table on DynamoDB Local, the functions behind a real HTTP
 * endpoint, the OAuth server, headless Chromium — and what a test does with them (make an
 * installation and links, walk a person through the flow, read what was stored).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { type AccountAttributes, accountFromItem } from '../../lib/store/account-item';
import { installationPk } from '../../lib/store/layout';
import { openTokenSet } from '../../lib/tokens/token-set';
import type { Infrastructure } from '../../lib/wiring/infrastructure';
import { type ApiServer, startApiServer } from './api-server';
import { completeProviderLogin, launchBrowser } from './browser';
import { createTestTable, type TestTable } from './dynamo';
import { localFunctionEnv } from './local-env';
import { type OAuthServer, type ReceivedRequest, startOAuthServer } from './oauth-server';
import { PROVIDER_CLIENTS, providerClients, writeProviderApp } from './provider-app';
import { type Stoppable, startAll } from './stops';

export const ADMIN = 'hsa_handshake-test-admin-key';

export interface World {
  readonly table: TestTable;
  readonly api: ApiServer;
  readonly oauth: OAuthServer;
  readonly browser: Browser;
}

/** The running parts, set by `useHarness` before the tests run. */
export const world = {} as World;

export interface HarnessOptions {
  /** Access-token lifetime at the provider (default 3600 s). */
  readonly accessTokenTtlSeconds?: number;
  /** More environment for the functions (a function: read once the OAuth server runs, and given it). */
  readonly env?:
    | Readonly<Record<string, string>>
    | ((started: { readonly oauth: OAuthServer }) => Readonly<Record<string, string>>);
  /** The Chromium to launch; default: the one `npm test` checked for. */
  readonly chromiumPath?: string;
  /** Client credentials stored as `npm run secrets -- set` would (a recipe's file has placeholders). */
  readonly clientCredentials?: Readonly<Record<string, { client_id: string; client_secret: string }>>;
}

/**
 * Starts DynamoDB Local's table, the API, the OAuth server (whose clients redirect to the API)
 * and Chromium. If one fails, those already running are stopped before the error goes on.
 */
export function startWorld(options: HarnessOptions = {}): Promise<World & Stoppable> {
  return startAll(async (stops) => {
    const table = stops.add(await createTestTable(), (started) => started.drop());
    const api = stops.add(await startApiServer(), (started) => started.close());
    const oauth = stops.add(
      await startOAuthServer({
        clients: providerClients(`${api.url}/oauth/callback`),
        ...(options.accessTokenTtlSeconds === undefined
          ? {}
          : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
      }),
      (started) => started.stop(),
    );
    const { secrets } = await localFunctionEnv(table, ADMIN, {
      APP_DIR: writeProviderApp(oauth),
      PUBLIC_URL: api.url,
      HANDSHAKE_EGRESS_ALLOW: '127.0.0.0/8,localhost',
      ...(typeof options.env === 'function' ? options.env({ oauth }) : options.env),
    });
    const { beta } = PROVIDER_CLIENTS;
    await secrets.put(
      'client-credentials',
      JSON.stringify({
        beta: { client_id: beta.clientId, client_secret: beta.clientSecret },
        ...options.clientCredentials,
      }),
    );
    await api.serve(async (module) => ((await import(`../../${module}`)) as { handler: never }).handler);
    const browser = stops.add(await launchBrowser(options.chromiumPath), (started) => started.close());
    return { table, api, oauth, browser };
  });
}

/** Registers the hooks that start the parts (`startWorld`) for this test file and stop them after. */
export function useHarness(options: HarnessOptions = {}): void {
  let running: Stoppable | undefined;
  beforeAll(async () => {
    const { stop, ...parts } = await startWorld(options);
    running = { stop };
    Object.assign(world, parts);
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    const infra = await built;
    built = undefined;
    infra?.table.client.destroy();
    await infra?.egress.close();
  });

  beforeEach(async () => {
    await world.oauth.clearReceived();
    await world.oauth.failTokenEndpoint(null);
  });
}

// ---- helpers -------------------------------------------------------------------------------

let built: Promise<Infrastructure> | undefined;

/**
 * The functions' infrastructure as this test file's environment configures it, built by the
 * same factory the functions call (at first use: the environment is set by `startWorld`).
 */
export function testInfrastructure(): Promise<Infrastructure> {
  built ??= (async () => {
    const { config } = await import('../../lib/config');
    const { getApp } = await import('../../lib/app');
    const { infrastructure } = await import('../../lib/wiring/infrastructure');
    return infrastructure(config(), getApp());
  })();
  return built;
}

export const bearer = (key: string) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});

/** POST /installations with the admin key and `body` (iparams and the rest); it must be made. */
export async function createInstallation(body: object = {}): Promise<{ id: string; apiKey: string }> {
  const response = await fetch(`${world.api.url}/installations`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; apiKey: string };
}

export async function connectLink(id: string, key: string, body: object) {
  const response = await fetch(`${world.api.url}/installations/${id}/connect-links`, {
    method: 'POST',
    headers: bearer(key),
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function linkFor(id: string, body: object): Promise<string> {
  const link = await connectLink(id, ADMIN, body);
  expect(link.status).toBe(201);
  return link.body.url as string;
}

export interface AccountView {
  account: string;
  status: string;
  expiresAt: string | null;
  scope: string | null;
  authorizedAt: string | null;
}

export async function accountsOf(id: string, integration: string): Promise<AccountView[]> {
  const response = await fetch(`${world.api.url}/installations/${id}`, { headers: bearer(ADMIN) });
  const body = (await response.json()) as { integrations: Array<{ name: string; accounts: AccountView[] }> };
  return body.integrations.find((entry) => entry.name === integration)?.accounts ?? [];
}

/** Every item of the installation's partition, as stored. */
export async function partition(id: string): Promise<Array<Record<string, unknown>>> {
  const result = await world.table.client.send(
    new QueryCommand({
      TableName: world.table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': installationPk(id) },
    }),
  );
  return result.Items ?? [];
}

export const itemsOfKind = async (id: string, prefix: string) =>
  (await partition(id)).filter((item) => String(item.sk).startsWith(prefix));

export interface Started {
  /** The provider URL the form redirected to. */
  readonly provider: URL;
  readonly state: string;
  /** The browser-binding cookie, as a browser would send it back. */
  readonly cookie: string;
}

/** What a browser holds after opening a connect page: the form-binding cookie and hidden field. */
export interface OpenedForm {
  /** As a browser would send it back ("name=value"). */
  readonly cookie: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Opens the connect page without a browser: its binding cookie and hidden fields. */
export async function openConnectPage(linkUrl: string): Promise<OpenedForm> {
  const response = await fetch(linkUrl);
  expect(response.status).toBe(200);
  const html = await response.text();
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[match[1] ?? ''] = match[2] ?? '';
  const [setCookie = ''] = response.headers.getSetCookie();
  return { cookie: setCookie.split(';')[0] ?? '', fields };
}

/**
 * Posts the connect form as its page would (the binding from `opened`, the page's own Origin);
 * `headers` adds to or overrides what the browser would send; an empty value leaves a header out.
 */
export function postConnectForm(
  linkUrl: string,
  opened: OpenedForm | undefined,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const sent: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    origin: new URL(linkUrl).origin,
    'sec-fetch-site': 'same-origin',
    ...(opened === undefined ? {} : { cookie: opened.cookie }),
    ...headers,
  };
  return fetch(linkUrl, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(sent).filter(([, value]) => value !== '')),
    body: new URLSearchParams({ ...opened?.fields, ...fields }).toString(),
    redirect: 'manual',
  });
}

/** Opens the connect page and submits its form without a browser: the provider URL and the cookie it set. */
export async function startAuthorization(
  linkUrl: string,
  fields: Record<string, string> = {},
): Promise<Started> {
  const response = await postConnectForm(linkUrl, await openConnectPage(linkUrl), fields);
  expect(response.status).toBe(302);
  const provider = new URL(response.headers.get('location') ?? '');
  const [setCookie = ''] = response.headers.getSetCookie();
  return { provider, state: provider.searchParams.get('state') ?? '', cookie: setCookie.split(';')[0] ?? '' };
}

export const callback = (query: Record<string, string>, cookie?: string) =>
  fetch(`${world.api.url}/oauth/callback?${new URLSearchParams(query)}`, {
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie },
  });

export interface Flow {
  readonly page: Page;
  readonly callbackUrl: string;
  /** The Cookie header the browser sent with the callback. */
  readonly callbackCookie: string;
}

/** A person opens the link, fills the form, authorizes at the provider and lands back. */
export async function personConnects(
  linkUrl: string,
  options: { fields?: Record<string, string>; login?: string; deny?: boolean } = {},
): Promise<Flow> {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  let callbackUrl = '';
  let callbackCookie = '';
  page.on('request', (request) => {
    if (!request.url().startsWith(`${world.api.url}/oauth/callback`)) return;
    callbackUrl = request.url();
    void request.allHeaders().then((headers) => {
      callbackCookie = headers.cookie ?? '';
    });
  });
  const opened = await page.goto(linkUrl);
  expect(opened?.status()).toBe(200);
  for (const [name, value] of Object.entries(options.fields ?? {}))
    await page.fill(`[name="${name}"]`, value);
  await page.click('button[type="submit"]');
  await completeProviderLogin(page, {
    login: options.login ?? 'alice',
    issuer: world.oauth.issuer,
    ...(options.deny === undefined ? {} : { deny: options.deny }),
  });
  return { page, callbackUrl, callbackCookie };
}

export const ofEndpoint = (received: ReceivedRequest[], endpoint: ReceivedRequest['endpoint']) =>
  received.filter((request) => request.endpoint === endpoint);

/** The account's stored item (its attributes as DynamoDB holds them) and its tokens opened, if it has any. */
export async function storedTokens(id: string, integration: string, account = 'default') {
  const raw = (await itemsOfKind(id, `ACCOUNT#${integration}#${account}`))[0];
  if (raw === undefined) throw new Error(`no account item ${integration}/${account}`);
  const record = accountFromItem(raw);
  const tokens =
    record.status === 'authorized'
      ? openTokenSet(await (await testInfrastructure()).vault(), record)
      : undefined;
  return { item: raw as unknown as AccountAttributes, tokens };
}
