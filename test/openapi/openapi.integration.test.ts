/**
 * openapi/openapi.yaml: the document is sound (OpenAPI 3.1, one operation per serverless.yml
 * route and none without, every $ref resolves, every schema compiles in Ajv's strict mode), and
 * it tells the truth — the real responses of a whole flow (installations, connect links, a
 * person connecting in Chromium, refresh, invoke against a real upstream, delete) are each held
 * against their operation and status: content type, documented headers, JSON Schema 2020-12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Response as PageResponse } from 'playwright-core';
import { FORM_FIELD, formBindingFor } from '../../lib/connect/form-binding';
import { API_ERROR_STATUS } from '../../lib/http/error-status';
import { createFileSecretSource } from '../../lib/secrets/file';
import { EVENT_SK, eventPk, LISTING, TABLE } from '../../lib/store/layout';
import { completeProviderLogin } from '../support/browser';
import { ADMIN, useHarness, world } from '../support/harness';
import { REPO_ROOT } from '../support/local-env';
import { type Receiver, startReceiver } from '../support/receiver';
import { inlineEvents, readServerlessFile } from '../support/serverless-file';
import { startUpstream, type Upstream } from '../support/upstream';
import {
  newAjv,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  type RealResponse,
  ResponseChecker,
  readOpenApi,
  refsOf,
  resolvePointer,
} from './support/openapi';

const doc: OpenApiDocument = readOpenApi();
const UNKNOWN_ID = 'in_aaaaaaaaaaaaaaaaaaaa';
const BAD_LINK = `/connect/hcl_${UNKNOWN_ID}_${'A'.repeat(43)}`;

/** The path parameters an operation declares (its own and its path item's), sorted. */
function pathParameters(path: string, operation: Operation): string[] {
  return [...(doc.paths[path]?.parameters ?? []), ...(operation.parameters ?? [])]
    .map((parameter) => (parameter.$ref === undefined ? parameter : resolvePointer(doc, `${parameter.$ref}`)))
    .filter((parameter) => (parameter as { in?: string }).in === 'path')
    .map((parameter) => (parameter as { name: string }).name)
    .sort();
}

// ---- the document ----------------------------------------------------------------------------

describe('openapi/openapi.yaml', () => {
  it('is OpenAPI 3.1.0 and carries the package version', () => {
    expect(doc.openapi).toBe('3.1.0');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
  });

  it('has exactly one operation per httpApi route of serverless.yml, and none without a route', () => {
    const routes = Object.values(readServerlessFile().functions).flatMap((fn) =>
      inlineEvents(fn).flatMap((event) => (typeof event.httpApi === 'string' ? [event.httpApi] : [])),
    );
    const operations = operationsOf(doc).map((entry) => entry.key);
    for (const route of routes) expect(operations.filter((key) => key === route)).toEqual([route]);
    expect([...operations].sort()).toEqual([...new Set(routes)].sort());
  });

  it('gives every operation a unique operationId, its path parameters, and explicit security', () => {
    const entries = operationsOf(doc);
    const ids = entries.map((entry) => entry.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    for (const { key, path, operation } of entries) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect({ key, parameters: pathParameters(path, operation) }).toEqual({
        key,
        parameters: inPath.sort(),
      });
      expect({ key, security: Array.isArray(operation.security) }).toEqual({ key, security: true });
      const used = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect(schemes).toEqual(expect.arrayContaining(used));
      // A route that needs a key documents what a missing one gets.
      if (used.length > 0) expect(Object.keys(operation.responses)).toContain('401');
    }
  });

  it('describes every response, keyed by a status code', () => {
    for (const { key, operation } of operationsOf(doc)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const resolved = (response.$ref === undefined ? response : resolvePointer(doc, response.$ref)) as {
          description?: unknown;
        };
        expect({ key, status, description: typeof resolved.description }).toEqual({
          key,
          status: expect.stringMatching(/^[1-5]\d\d$/),
          description: 'string',
        });
      }
    }
  });

  it('resolves every $ref', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(50);
    const broken = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('has component schemas that compile in strict mode, and the error codes of lib/http/error-status.ts', () => {
    const ajv = newAjv(doc);
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() =>
        ajv.getSchema(`https://handshake.invalid/openapi.yaml#/components/schemas/${name}`),
      ).not.toThrow();
    }
    expect(doc.components.schemas.ErrorCode?.enum).toEqual(Object.keys(API_ERROR_STATUS));
  });
});

describe('the response checker', () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const problemsOf = (real: Partial<RealResponse>) =>
    new ResponseChecker(doc).check({
      method: 'GET',
      path: '/health',
      status: 200,
      headers: json,
      body: '',
      ...real,
    }).problems;
  const error = (body: unknown) =>
    problemsOf({ path: `/installations/${UNKNOWN_ID}`, status: 401, body: JSON.stringify(body) });

  it('accepts what the document says', () => {
    expect(problemsOf({ body: '{"ok":true,"version":"0.1.0"}' })).toEqual([]);
    expect(error({ error: { code: 'UNAUTHENTICATED', message: 'Send a key' } })).toEqual([]);
  });

  it('refuses what it does not say', () => {
    expect(problemsOf({ status: 418 })).toEqual(['status 418 is not documented']);
    expect(problemsOf({ path: '/nowhere' })).toEqual(['no operation for GET /nowhere']);
    expect(problemsOf({ headers: { 'content-type': 'text/html' }, body: '<p>ok</p>' })).toEqual([
      expect.stringContaining('content type text/html is not one of'),
    ]);
    expect(problemsOf({ body: '{"ok":true,"version":"0.1.0","uptime":3}' })).toEqual([
      expect.stringContaining('must NOT have additional properties'),
    ]);
    expect(error({ error: { code: 'TEAPOT', message: 'x' } })).toEqual([
      expect.stringContaining('must be equal to one of the allowed values'),
    ]);
    expect(error({ error: { code: 'INTERNAL', message: 'x', stack: 'at …' } })).toEqual([
      expect.stringContaining('must NOT have additional properties'),
    ]);
    expect(problemsOf({ method: 'POST', path: BAD_LINK, status: 302, headers: {} })).toEqual([
      'header Location is required but was not sent',
      'header Set-Cookie is required but was not sent',
    ]);
    expect(
      problemsOf({ method: 'DELETE', path: `/installations/${UNKNOWN_ID}`, status: 204, body: '{}' }),
    ).toEqual([expect.stringContaining('no content is documented')]);
  });
});

// ---- real responses --------------------------------------------------------------------------

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url }) });

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
});
afterAll(async () => {
  await upstream?.close();
});

const checker = new ResponseChecker(doc);

interface Answer<T> {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  /** The parsed body, typed by the caller (the document has already validated it). */
  readonly json: T;
}

interface ErrorBody {
  error: { code: string; message: string; details?: unknown[] };
}
interface InstallationBody {
  id: string;
  apiKey: string;
  iparams: Record<string, unknown>;
  secureIparams: string[];
  integrations: Array<{ name: string; accounts: Array<Record<string, unknown>> }>;
}
interface EnvelopeBody {
  status: number;
  headers: Record<string, string>;
  response: string;
  attempts: number;
  errorSource?: string;
  code?: string;
  error?: ErrorBody['error'];
}

/** Holds a response against the document, failing the test where it arrived. */
function expectDocumented(real: RealResponse): void {
  const { key, problems } = checker.check(real);
  expect({ response: key ?? `${real.method} ${real.path}`, problems }).toEqual({
    response: key ?? `${real.method} ${real.path}`,
    problems: [],
  });
}

interface Call {
  readonly key?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is, with `type` (default application/json). */
  readonly raw?: string;
  readonly type?: string;
  readonly cookie?: string;
}

/** A connect-form post as its page would send it: the form binding for the link in `path`. */
function boundForm(path: string): Call {
  const token = path.slice(path.lastIndexOf('/') + 1);
  const binding = formBindingFor({}, token, world.api.url);
  return {
    raw: new URLSearchParams({ [FORM_FIELD]: binding.field }).toString(),
    type: 'application/x-www-form-urlencoded',
    cookie: (binding.setCookie ?? '').split(';')[0] ?? '',
  };
}

/** One request to the API; the response is checked against the document before it is returned. */
async function api<T = ErrorBody>(method: string, path: string, call: Call = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (call.key !== undefined) headers.authorization = `Bearer ${call.key}`;
  if (call.cookie !== undefined) headers.cookie = call.cookie;
  const body = call.raw ?? (call.json === undefined ? undefined : JSON.stringify(call.json));
  if (body !== undefined) headers['content-type'] = call.type ?? 'application/json';
  const response = await fetch(`${world.api.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const received = Object.fromEntries(response.headers);
  const setCookie = response.headers.getSetCookie();
  if (setCookie.length > 0) received['set-cookie'] = setCookie.join('\n');
  expectDocumented({
    method,
    path: new URL(path, world.api.url).pathname,
    status: response.status,
    headers: received,
    body: text,
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: received, text, json: json as T };
}

/** What the browser got for one of its navigations to the API. */
async function recorded(response: PageResponse): Promise<RealResponse> {
  const status = response.status();
  const redirect = status >= 300 && status < 400;
  return {
    method: response.request().method(),
    path: new URL(response.url()).pathname,
    status,
    headers: await response.allHeaders(),
    // A browser hands out no body for a redirect.
    body: redirect ? '' : await response.text(),
  };
}

/**
 * A person opens the link in Chromium, clicks Authorize, signs in and consents at the provider
 * and lands back on the callback: every navigation to the API on the way, as the browser got it.
 */
async function personConnectsRecorded(linkUrl: string): Promise<RealResponse[]> {
  const context = await world.browser.newContext();
  try {
    const page = await context.newPage();
    const seen: Array<Promise<RealResponse>> = [];
    page.on('response', (response) => {
      if (response.url().startsWith(world.api.url) && response.request().resourceType() === 'document') {
        seen.push(recorded(response));
      }
    });
    await page.goto(linkUrl);
    await page.click('button[type="submit"]');
    await completeProviderLogin(page, { login: 'ada', issuer: world.oauth.issuer });
    return await Promise.all(seen);
  } finally {
    await context.close();
  }
}

describe('real responses match the document', () => {
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  let link: string;

  it('GET /health', async () => {
    const health = await api('GET', '/health');
    expect(health.status).toBe(200);
  });

  it('GET /', async () => {
    const landing = await api('GET', '/');
    expect(landing.status).toBe(200);
    expect(landing.text).toMatch(/Handshake \S+ is running/);
  });

  it('POST /installations: created, and each way of getting it wrong', async () => {
    const created = await api<InstallationBody>('POST', '/installations', {
      key: ADMIN,
      json: { iparams: { upstream: upstream.host, api_key: 'secret-api-key-42' } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/installations/${created.json.id}`);
    expect(created.json.secureIparams).toEqual(['api_key']);
    a = created.json;
    const other = await api<InstallationBody>('POST', '/installations', { key: ADMIN, raw: '' });
    expect(other.status).toBe(201);
    b = other.json;

    expect((await api('POST', '/installations', { json: {} })).json.error.code).toBe('UNAUTHENTICATED');
    expect((await api('POST', '/installations', { key: 'hsa_wrong', json: {} })).status).toBe(401);
    expect((await api('POST', '/installations', { key: a.apiKey, json: {} })).json.error.code).toBe(
      'FORBIDDEN',
    );
    const unknownIparam = await api('POST', '/installations', {
      key: ADMIN,
      json: { iparams: { color: 'red' } },
    });
    expect(unknownIparam.status).toBe(400);
    expect(unknownIparam.json.error.details).toEqual([{ name: 'color', message: expect.any(String) }]);
    const unknownField = await api('POST', '/installations', { key: ADMIN, json: { iparams: {}, extra: 1 } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.error.details).toEqual([{ field: 'extra', message: 'unknown field' }]);
    const malformed = await api('POST', '/installations', { key: ADMIN, raw: '{"iparams":' });
    expect([malformed.status, malformed.json.error.code]).toEqual([400, 'INVALID_JSON']);
    const wrongType = await api('POST', '/installations', {
      key: ADMIN,
      raw: 'iparams=1',
      type: 'text/plain',
    });
    expect(wrongType.status).toBe(415);
    const tooBig = await api('POST', '/installations', {
      key: ADMIN,
      raw: JSON.stringify({ x: 'y'.repeat(101 * 1024) }),
    });
    expect(tooBig.status).toBe(413);
  });

  it('GET /installations/{id}: by admin and own key; another installation, unknown ids, a wrong key', async () => {
    expect((await api('GET', `/installations/${a.id}`, { key: ADMIN })).status).toBe(200);
    const own = await api<InstallationBody>('GET', `/installations/${a.id}`, { key: a.apiKey });
    expect(own.json).toMatchObject({
      id: a.id,
      iparams: { upstream: upstream.host },
      secureIparams: ['api_key'],
    });
    expect((await api('GET', `/installations/${a.id}`, { key: b.apiKey })).status).toBe(403);
    expect((await api('GET', `/installations/${UNKNOWN_ID}`, { key: ADMIN })).status).toBe(404);
    expect((await api('GET', '/installations/not-an-id', { key: ADMIN })).status).toBe(404);
    expect((await api('GET', `/installations/${a.id}`, { key: `${a.apiKey.slice(0, -1)}x` })).status).toBe(
      401,
    );
  });

  it('PUT /installations/{id}/app-settings: by admin and own key, and refusals', async () => {
    const own = await api<{ app_settings: unknown }>('PUT', `/installations/${a.id}/app-settings`, {
      key: a.apiKey,
      json: { ticket_view: 'open' },
    });
    expect(own.status).toBe(200);
    expect(own.json.app_settings).toEqual(['ticket_view']);
    expect((await api('PUT', `/installations/${a.id}/app-settings`, { key: ADMIN, json: {} })).status).toBe(
      200,
    );
    const shown = await api<InstallationBody>('GET', `/installations/${a.id}`, { key: ADMIN });
    expect(shown.json).toMatchObject({ app_settings: {}, current_host: { endpoint_urls: {} } });
    const path = `/installations/${a.id}/app-settings`;
    expect((await api('PUT', path, { key: ADMIN, json: [1] })).status).toBe(400);
    expect((await api('PUT', path, { json: {} })).status).toBe(401);
    expect((await api('PUT', path, { key: b.apiKey, json: {} })).status).toBe(403);
    expect(
      (await api('PUT', `/installations/${UNKNOWN_ID}/app-settings`, { key: ADMIN, json: {} })).status,
    ).toBe(404);
    const tooBig = { key: ADMIN, raw: JSON.stringify({ x: 'y'.repeat(101 * 1024) }) };
    expect((await api('PUT', path, tooBig)).status).toBe(413);
    expect((await api('PUT', path, { key: ADMIN, raw: 'a=1', type: 'text/plain' })).status).toBe(415);
  });

  it('POST /installations/{id}/connect-links: a link, and refusals', async () => {
    const made = await api<{ url: string }>('POST', `/installations/${a.id}/connect-links`, {
      key: a.apiKey,
      json: { integration: 'beta' },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ integration: 'beta', account: 'default' });
    link = made.json.url;

    const unknown = await api('POST', `/installations/${a.id}/connect-links`, {
      key: ADMIN,
      json: { integration: 'nope' },
    });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
    const tooShort = await api('POST', `/installations/${a.id}/connect-links`, {
      key: ADMIN,
      json: { integration: 'beta', expiresInSeconds: 5 },
    });
    expect(tooShort.json.error.details).toEqual([{ field: 'expiresInSeconds', message: expect.any(String) }]);
    const prefilled = await api('POST', `/installations/${a.id}/connect-links`, {
      key: ADMIN,
      json: {
        integration: 'acme',
        oauth_iparams: { tenant: 't-1' },
        oauthIparamsHidden: true,
        scopes: ['x.y'],
      },
    });
    expect(prefilled.status).toBe(201);
    const badValue = await api('POST', `/installations/${a.id}/connect-links`, {
      key: ADMIN,
      json: { integration: 'acme', oauth_iparams: { tenant: 'evil.example/x?' } },
    });
    expect([badValue.status, badValue.json.error.details]).toEqual([
      400,
      [{ field: 'oauth_iparams.tenant', message: expect.stringContaining('may contain only') }],
    ]);
    const badScope = await api('POST', `/installations/${a.id}/connect-links`, {
      key: ADMIN,
      json: { integration: 'acme', scopes: ['a b'] },
    });
    expect([badScope.status, badScope.json.error.details]).toEqual([
      400,
      [{ field: 'scopes[0]', message: expect.stringContaining('is not a scope token') }],
    ]);
    expect((await api('POST', `/installations/${a.id}/connect-links`, { key: ADMIN })).status).toBe(400);
    expect(
      (
        await api('POST', `/installations/${a.id}/connect-links`, {
          key: b.apiKey,
          json: { integration: 'beta' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('POST', `/installations/${UNKNOWN_ID}/connect-links`, {
          key: ADMIN,
          json: { integration: 'beta' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await api('POST', `/installations/${a.id}/connect-links`, { json: { integration: 'beta' } })).status,
    ).toBe(401);

    // Stored credentials that are themselves placeholders: no link until real ones are set.
    const secrets = createFileSecretSource(process.env.HANDSHAKE_DATA_DIR ?? '');
    const stored = (await secrets.get('client-credentials')) ?? '{}';
    const placeholder = 'set-with-npm-run-secrets';
    await secrets.put(
      'client-credentials',
      JSON.stringify({ beta: { client_id: placeholder, client_secret: placeholder } }),
    );
    const unset = await api('POST', `/installations/${a.id}/connect-links`, {
      key: a.apiKey,
      json: { integration: 'beta' },
    });
    await secrets.put('client-credentials', stored);
    expect([unset.status, unset.json.error.code]).toEqual([409, 'CONFLICT']);
    expect(unset.json.error.message).toContain('npm run secrets -- set beta --client-id <id>');
  });

  it('the connect page, a bad link, and a form that is not a form', async () => {
    const page = await api('GET', new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Connect Beta CRM');
    const bad = await api('GET', BAD_LINK);
    expect(bad.status).toBe(404);
    expect(bad.text).toContain('This link is not valid');
    expect((await api('POST', BAD_LINK, { raw: '{}' })).status).toBe(415);
    // Without the page's binding the post is refused before the link is looked up.
    expect((await api('POST', BAD_LINK, { raw: '', type: 'application/x-www-form-urlencoded' })).status).toBe(
      403,
    );
    expect((await api('POST', BAD_LINK, boundForm(BAD_LINK))).status).toBe(404);
  });

  it('a person connects: connect page, Authorize (302 to the provider), callback result page', async () => {
    const navigations = await personConnectsRecorded(link);
    for (const navigation of navigations) expectDocumented(navigation);
    expect(navigations.map((navigation) => `${navigation.method} ${navigation.status}`)).toEqual([
      'GET 200',
      'POST 302',
      'GET 200',
    ]);
    const [, authorize, result] = navigations;
    expect(authorize?.headers.location).toMatch(new RegExp(`^${world.oauth.authorizeUrl}\\?`));
    expect(authorize?.headers['set-cookie']).toMatch(/^hs_[0-9a-f]{16}=/);
    expect(result?.path).toBe('/oauth/callback');
    expect(result?.body).toContain('Beta CRM is connected');
  }, 60_000);

  it('the spent link and callbacks that cannot be completed', async () => {
    const path = new URL(link).pathname;
    expect((await api('GET', path)).status).toBe(410);
    expect((await api('POST', path, boundForm(path))).status).toBe(410);
    const missing = await api('GET', '/oauth/callback');
    expect([missing.status, missing.text.includes('Missing authorization state')]).toEqual([400, true]);
    const unknown = await api('GET', `/oauth/callback?state=hst_${UNKNOWN_ID}_${'B'.repeat(43)}&code=x`);
    expect(unknown.status).toBe(400);
  });

  it('GET /installations/{id} shows the connected account', async () => {
    const shown = await api<InstallationBody>('GET', `/installations/${a.id}`, { key: ADMIN });
    const beta = shown.json.integrations.find((integration) => integration.name === 'beta');
    expect(beta?.accounts).toEqual([
      expect.objectContaining({ account: 'default', status: 'authorized', authorizedAt: expect.any(String) }),
    ]);
  });

  it('POST /installations/{id}/integrations/{name}/refresh', async () => {
    const refreshed = await api<unknown>('POST', `/installations/${a.id}/integrations/beta/refresh`, {
      key: ADMIN,
      json: {},
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toMatchObject({ outcome: 'refreshed', account: { status: 'authorized' } });
    const notConnected = await api('POST', `/installations/${a.id}/integrations/acme/refresh`, {
      key: ADMIN,
    });
    expect([notConnected.status, notConnected.json.error.message]).toEqual([
      404,
      expect.stringContaining('not connected'),
    ]);
    expect(
      (await api('POST', `/installations/${a.id}/integrations/nope/refresh`, { key: ADMIN })).status,
    ).toBe(404);
    expect(
      (await api('POST', `/installations/${a.id}/integrations/crew/refresh`, { key: ADMIN })).status,
    ).toBe(400);
    expect(
      (await api('POST', `/installations/${a.id}/integrations/beta/refresh`, { key: a.apiKey })).status,
    ).toBe(403);
    expect((await api('POST', `/installations/${a.id}/integrations/beta/refresh`)).status).toBe(401);
  });

  it('POST /installations/{id}/integrations/{name}/import', async () => {
    const path = `/installations/${b.id}/integrations/acme/import`;
    const grant = {
      access_token: 'imported-at-1',
      refresh_token: 'imported-rt-1',
      oauth_iparams: { tenant: 't1' },
    };
    const imported = await api<unknown>('POST', path, { key: ADMIN, json: { ...grant, expires_in: 600 } });
    expect(imported.status).toBe(200);
    expect(imported.json).toMatchObject({
      outcome: 'imported',
      replaced: false,
      account: { status: 'authorized' },
    });
    expect((await api('POST', path, { key: ADMIN, json: { access_token: '' } })).status).toBe(400);
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
    const unavailable = await api('POST', path, { key: ADMIN, json: { ...grant, validate: 'refresh' } });
    expect([unavailable.status, unavailable.json.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(
      (await api('POST', `/installations/${b.id}/integrations/nope/import`, { key: ADMIN, json: grant }))
        .status,
    ).toBe(404);
    expect((await api('POST', path, { key: b.apiKey, json: grant })).status).toBe(403);
    expect((await api('POST', path, { json: grant })).status).toBe(401);
    // Validated by one call of a template of the integration (beta's, on an installation with an upstream).
    const called = `/installations/${a.id}/integrations/beta/import`;
    const byCall = (template: string, context: Record<string, string>) => ({
      account: 'imported-openapi',
      access_token: 'imported-at-2',
      validate: { template, context },
    });
    const validated = await api<unknown>('POST', called, {
      key: ADMIN,
      json: byCall('limitedBeta', { id: 'openapi-import-ok?status=200' }),
    });
    expect([validated.status, validated.json]).toEqual([
      200,
      expect.objectContaining({ outcome: 'validated' }),
    ]);
    const outage = await api('POST', called, {
      key: ADMIN,
      json: byCall('limitedBeta', { id: 'openapi-import-outage?status=503' }),
    });
    expect([outage.status, outage.json.error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const refused = await api('POST', called, { key: ADMIN, json: byCall('me', {}) });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('POST /installations/{id}/invoke: envelopes, refusals and errors', async () => {
    const invoke = (key: string | undefined, json?: unknown, id = a.id) =>
      api<EnvelopeBody>('POST', `/installations/${id}/invoke`, {
        ...(key === undefined ? {} : { key }),
        ...(json === undefined ? {} : { json }),
      });
    const plain = await invoke(a.apiKey, { template: 'public' });
    expect([plain.status, plain.json.status, plain.json.attempts]).toEqual([200, 200, 1]);
    const echo = await invoke(a.apiKey, { template: 'echo', context: { id: '7', q: 'open' } });
    expect(echo.json).toMatchObject({ status: 200, headers: { 'x-upstream': 'echo' } });
    const cachedCall = { template: 'echo', context: { id: '8' }, cache: true, ttl: 60_000 };
    const cached = [await invoke(a.apiKey, cachedCall), await invoke(a.apiKey, cachedCall)];
    expect(cached[1]?.json).toEqual(cached[0]?.json);
    const badTtl = await invoke(a.apiKey, { ...cachedCall, ttl: 3_600_001 });
    expect(badTtl.json).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_REQUEST' });
    const binary = await invoke(a.apiKey, {
      template: 'binary',
      context: { bytes: '64', type: 'image/png' },
    });
    expect(binary.json).toMatchObject({ status: 200, encoding: 'base64' });
    const file = { content: 'AAEC', filename: 'a.pdf', contentType: 'application/pdf' };
    const uploaded = await invoke(a.apiKey, {
      template: 'uploadRaw',
      context: { file_ref: 'f' },
      files: { f: file },
    });
    expect(uploaded.json).toMatchObject({ status: 201, attempts: 1 });
    const notBase64 = await invoke(a.apiKey, {
      template: 'uploadRaw',
      context: { file_ref: 'f' },
      files: { f: { content: 'AA=C' } },
    });
    expect(notBase64.json).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_REQUEST' });

    const unknownTemplate = await invoke(a.apiKey, { template: 'noSuchTemplate' });
    expect(unknownTemplate.status).toBe(404);
    expect(unknownTemplate.json).toMatchObject({
      status: 404,
      errorSource: 'APP',
      code: 'TEMPLATE_NOT_FOUND',
    });
    const undeclared = await invoke(ADMIN, { template: 'neverDeclared' });
    expect(undeclared.json).toMatchObject({ status: 404, code: 'TEMPLATE_NOT_DECLARED' });
    const badBody = await invoke(a.apiKey, { context: {} });
    expect(badBody.json).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_REQUEST' });
    const hostile = await invoke(a.apiKey, { template: 'echo', context: { id: '..' } });
    expect(hostile.json).toMatchObject({ status: 400, code: 'INVALID_PATH' });
    const notConnected = await invoke(b.apiKey, { template: 'me' }, b.id);
    expect(notConnected.json).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    const tooBig = await invoke(a.apiKey, { template: 'post', body: 'x'.repeat(101 * 1024) });
    expect(tooBig.json).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const withQuery = await invoke(a.apiKey, {
      template: 'tickets',
      context: { page: '1' },
      query: { sort: 'desc', n: 1, all: true },
    });
    expect(withQuery.status).toBe(200);
    const metadata = await api<InstallationBody>('POST', '/installations', {
      key: ADMIN,
      json: { iparams: { upstream: '169.254.169.254' } },
    });
    const refusedHost = await invoke(ADMIN, { template: 'public' }, metadata.json.id);
    expect(refusedHost.json).toMatchObject({ status: 403, errorSource: 'APP', code: 'URL_REFUSED' });

    expect((await invoke(a.apiKey)).json.error?.code).toBe('INVALID_REQUEST');
    expect(
      (await api('POST', `/installations/${a.id}/invoke`, { key: a.apiKey, raw: '{' })).json.error.code,
    ).toBe('INVALID_JSON');
    expect((await invoke(undefined, { template: 'public' })).json.error?.code).toBe('UNAUTHENTICATED');
    expect((await invoke(b.apiKey, { template: 'public' })).status).toBe(403);
    expect((await invoke(ADMIN, { template: 'public' }, UNKNOWN_ID)).json.error?.code).toBe('NOT_FOUND');
    for (const answer of [unknownTemplate, undeclared, badBody, hostile, notConnected, tooBig, notBase64]) {
      expect(answer.json.status).toBe(answer.status);
    }
  });

  it('POST /installations/{id}/events/test', async () => {
    const sent = await api<{ delivered: boolean }>('POST', `/installations/${a.id}/events/test`, {
      key: ADMIN,
    });
    expect([sent.status, sent.json.delivered]).toEqual([200, true]);
    receiver.script([503]);
    const refused = await api<{ delivered: boolean }>('POST', `/installations/${a.id}/events/test`, {
      key: ADMIN,
    });
    expect([refused.status, refused.json.delivered]).toEqual([200, false]);
    expect((await api('POST', `/installations/${a.id}/events/test`, { key: a.apiKey })).status).toBe(403);
    expect((await api('POST', `/installations/${a.id}/events/test`)).status).toBe(401);
    expect((await api('POST', `/installations/${UNKNOWN_ID}/events/test`, { key: ADMIN })).status).toBe(404);
  });

  it('GET /installations, GET /events and POST /events/{id}/replay: pages, a replay, and refusals', async () => {
    const first = await api<{ installations: Array<{ id: string }>; next: string }>(
      'GET',
      '/installations?limit=1',
      {
        key: ADMIN,
      },
    );
    expect(first.status).toBe(200);
    expect(first.json.installations).toHaveLength(1);
    const second = await api<{ installations: unknown[] }>(
      'GET',
      `/installations?limit=1&cursor=${encodeURIComponent(first.json.next)}`,
      { key: ADMIN },
    );
    expect(second.status).toBe(200);
    expect((await api('GET', '/installations?status=failing&integration=beta', { key: ADMIN })).status).toBe(
      200,
    );
    expect((await api('GET', '/installations?limit=0', { key: ADMIN })).status).toBe(400);
    expect((await api('GET', '/installations', { key: a.apiKey })).status).toBe(403);
    expect((await api('GET', '/installations')).status).toBe(401);
    const events = await api<{ events: Array<{ id: string; state: string }> }>('GET', '/events', {
      key: ADMIN,
    });
    expect(events.status).toBe(200);
    const [event] = events.json.events;
    if (event === undefined) throw new Error('the flow wrote no event');
    // Arrange a dead event as a day of failed attempts leaves it.
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: eventPk(event.id), sk: EVENT_SK },
        UpdateExpression: 'SET #state = :dead, #list = :list REMOVE #shard, #due',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#list': TABLE.listKey,
          '#shard': TABLE.dueShardKey,
          '#due': TABLE.dueAtKey,
        },
        ExpressionAttributeValues: { ':dead': 'dead', ':list': LISTING.events('dead') },
      }),
    );
    const dead = await api<{ events: Array<{ id: string }> }>('GET', '/events?state=dead', { key: ADMIN });
    expect(dead.json.events.map((entry) => entry.id)).toEqual([event.id]);
    const replayed = await api<{ state: string }>('POST', `/events/${event.id}/replay`, { key: ADMIN });
    expect(replayed.status).toBe(200);
    expect((await api('POST', `/events/${event.id}/replay`, { key: ADMIN })).status).toBe(409);
    expect((await api('POST', '/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa/replay', { key: ADMIN })).status).toBe(
      404,
    );
    expect((await api('POST', `/events/${event.id}/replay`, { key: a.apiKey })).status).toBe(403);
    expect((await api('POST', `/events/${event.id}/replay`)).status).toBe(401);
    expect((await api('GET', '/events?state=lost', { key: ADMIN })).status).toBe(400);
    expect((await api('GET', '/events', { key: a.apiKey })).status).toBe(403);
    expect((await api('GET', '/events')).status).toBe(401);
  });

  it('GET /overview: the counters, and refusals', async () => {
    const overview = await api<{ installations: { total: number } }>('GET', '/overview', { key: ADMIN });
    expect(overview.status).toBe(200);
    expect(overview.json.installations.total).toBeGreaterThanOrEqual(2);
    expect((await api('GET', '/overview', { key: a.apiKey })).status).toBe(403);
    expect((await api('GET', '/overview')).status).toBe(401);
  });

  it('DELETE /installations/{id}/integrations/{name}/accounts/{account}', async () => {
    const account = `/installations/${a.id}/integrations/beta/accounts/default`;
    expect((await api('DELETE', account, { key: a.apiKey })).status).toBe(403);
    expect((await api('DELETE', account)).status).toBe(401);
    expect(
      (await api('DELETE', `/installations/${a.id}/integrations/beta/accounts/a%20b`, { key: ADMIN })).status,
    ).toBe(400);
    const disconnected = await api('DELETE', account, { key: ADMIN });
    expect([disconnected.status, disconnected.text]).toEqual([204, '']);
    expect((await api('DELETE', account, { key: ADMIN })).status).toBe(404);
    expect((await api('GET', `/installations/${a.id}`, { key: a.apiKey })).status).toBe(200);
  });

  it('DELETE /installations/{id}', async () => {
    expect((await api('DELETE', `/installations/${a.id}`, { key: a.apiKey })).status).toBe(403);
    expect((await api('DELETE', `/installations/${a.id}`)).status).toBe(401);
    const deleted = await api('DELETE', `/installations/${a.id}`, { key: ADMIN });
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect((await api('DELETE', `/installations/${a.id}`, { key: ADMIN })).status).toBe(404);
    expect((await api('GET', `/installations/${a.id}`, { key: a.apiKey })).status).toBe(401);
    expect((await api('DELETE', `/installations/${b.id}`, { key: ADMIN })).status).toBe(204);
  });

  it('the console: each page and action, signed in with the admin key', async () => {
    // Prepare
    const form = (fields: Record<string, string>, cookie?: string): Call => ({
      raw: new URLSearchParams(fields).toString(),
      type: 'application/x-www-form-urlencoded',
      ...(cookie === undefined ? {} : { cookie }),
    });
    const created = await api<InstallationBody>('POST', '/installations', { key: ADMIN, json: {} });
    const id = created.json.id;
    const base = `/console/installations/${id}`;
    // Act and assess: signed in, then every page and action
    expect((await api('GET', '/console/sign-in')).status).toBe(200);
    expect((await api('POST', '/console/sign-in', form({ admin_key: 'hsa_wrong' }))).status).toBe(401);
    const signedIn = await api('POST', '/console/sign-in', form({ admin_key: ADMIN }));
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    expect((await api('GET', '/console')).status).toBe(303);
    const overview = await api('GET', '/console', { cookie });
    expect(overview.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(overview.text)?.[1] ?? '';
    expect((await api('GET', '/console/sign-in', { cookie })).status).toBe(303);
    expect((await api('GET', '/console/installations', { cookie })).status).toBe(200);
    expect((await api('GET', '/console/installations?q=in_aaaaaaaaaaaaaaaaaaaa', { cookie })).status).toBe(
      404,
    );
    expect((await api('GET', '/console/installations?cursor=forged', { cookie })).status).toBe(400);
    expect((await api('GET', base, { cookie })).status).toBe(200);
    expect((await api('GET', '/console/installations/in_aaaaaaaaaaaaaaaaaaaa', { cookie })).status).toBe(404);
    const link = await api('POST', `${base}/connect-link`, form({ csrf, integration: 'beta' }, cookie));
    expect(link.status).toBe(200);
    expect(
      (await api('POST', `${base}/connect-link`, form({ csrf, integration: 'nope' }, cookie))).status,
    ).toBe(404);
    expect((await api('POST', `${base}/refresh`, form({ csrf, integration: 'beta' }, cookie))).status).toBe(
      404,
    );
    expect((await api('POST', `${base}/refresh`, form({ integration: 'beta' }, cookie))).status).toBe(403);
    expect(
      (
        await api(
          'POST',
          `${base}/disconnect`,
          form({ csrf, integration: 'beta', account: 'default' }, cookie),
        )
      ).status,
    ).toBe(404);
    expect((await api('GET', `${base}/delete`, { cookie })).status).toBe(200);
    expect((await api('POST', `${base}/delete`, form({ csrf, confirm: 'not-it' }, cookie))).status).toBe(400);
    expect((await api('POST', `${base}/delete`, form({ csrf, confirm: id }, cookie))).status).toBe(303);
    expect((await api('GET', '/console/events', { cookie })).status).toBe(200);
    expect(
      (await api('POST', '/console/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa/replay', form({ csrf }, cookie)))
        .status,
    ).toBe(404);
    expect((await api('GET', '/console/app', { cookie })).status).toBe(200);
    expect((await api('GET', '/console/installations/new', { cookie })).status).toBe(200);
    const newForm = (prefix: string) =>
      form({ csrf, 'iparams.ticket_prefix': prefix, 'iparams.region': 'eu' }, cookie);
    expect((await api('POST', '/console/installations/new', newForm('abc'))).status).toBe(422);
    expect((await api('POST', '/console/installations/new', newForm('ABC'))).status).toBe(201);
    expect(
      (await api('POST', '/console/installations/new', form({ 'iparams.ticket_prefix': 'ABC' }, cookie)))
        .status,
    ).toBe(403);
    expect((await api('POST', '/console/sign-out', form({ csrf }, cookie))).status).toBe(303);
  });

  it('validated every response, and covered the operations and statuses of the flow', () => {
    expect(checker.checked.filter((entry) => entry.problems.length > 0)).toEqual([]);
    const covered = [...checker.covered].sort();
    const expected = [
      'GET / 200',
      'GET /health 200',
      'POST /installations 201',
      'POST /installations 400',
      'POST /installations 401',
      'POST /installations 403',
      'POST /installations 413',
      'POST /installations 415',
      'GET /installations/{id} 200',
      'GET /installations/{id} 401',
      'GET /installations/{id} 403',
      'GET /installations/{id} 404',
      'PUT /installations/{id}/app-settings 200',
      'PUT /installations/{id}/app-settings 400',
      'PUT /installations/{id}/app-settings 401',
      'PUT /installations/{id}/app-settings 403',
      'PUT /installations/{id}/app-settings 404',
      'PUT /installations/{id}/app-settings 413',
      'PUT /installations/{id}/app-settings 415',
      'DELETE /installations/{id} 204',
      'DELETE /installations/{id} 401',
      'DELETE /installations/{id} 403',
      'DELETE /installations/{id} 404',
      'DELETE /installations/{id}/integrations/{name}/accounts/{account} 204',
      'DELETE /installations/{id}/integrations/{name}/accounts/{account} 400',
      'DELETE /installations/{id}/integrations/{name}/accounts/{account} 401',
      'DELETE /installations/{id}/integrations/{name}/accounts/{account} 403',
      'DELETE /installations/{id}/integrations/{name}/accounts/{account} 404',
      'POST /installations/{id}/connect-links 201',
      'POST /installations/{id}/connect-links 400',
      'POST /installations/{id}/connect-links 401',
      'POST /installations/{id}/connect-links 403',
      'POST /installations/{id}/connect-links 404',
      'POST /installations/{id}/connect-links 409',
      'POST /installations/{id}/integrations/{name}/refresh 200',
      'POST /installations/{id}/integrations/{name}/refresh 400',
      'POST /installations/{id}/integrations/{name}/refresh 401',
      'POST /installations/{id}/integrations/{name}/refresh 403',
      'POST /installations/{id}/integrations/{name}/refresh 404',
      'POST /installations/{id}/integrations/{name}/import 200',
      'POST /installations/{id}/integrations/{name}/import 400',
      'POST /installations/{id}/integrations/{name}/import 401',
      'POST /installations/{id}/integrations/{name}/import 403',
      'POST /installations/{id}/integrations/{name}/import 404',
      'POST /installations/{id}/integrations/{name}/import 503',
      'POST /installations/{id}/invoke 200',
      'POST /installations/{id}/invoke 400',
      'POST /installations/{id}/invoke 401',
      'POST /installations/{id}/invoke 403',
      'POST /installations/{id}/invoke 404',
      'POST /installations/{id}/invoke 413',
      'GET /connect/{token} 200',
      'GET /connect/{token} 404',
      'GET /connect/{token} 410',
      'POST /connect/{token} 302',
      'POST /connect/{token} 403',
      'POST /connect/{token} 404',
      'POST /connect/{token} 410',
      'POST /connect/{token} 415',
      'GET /oauth/callback 200',
      'GET /oauth/callback 400',
      'POST /installations/{id}/events/test 200',
      'POST /installations/{id}/events/test 401',
      'POST /installations/{id}/events/test 403',
      'POST /installations/{id}/events/test 404',
      'GET /installations 200',
      'GET /installations 400',
      'GET /installations 401',
      'GET /installations 403',
      'GET /events 200',
      'GET /events 400',
      'GET /events 401',
      'GET /events 403',
      'POST /events/{id}/replay 200',
      'POST /events/{id}/replay 401',
      'POST /events/{id}/replay 403',
      'POST /events/{id}/replay 404',
      'POST /events/{id}/replay 409',
      'GET /overview 200',
      'GET /overview 401',
      'GET /overview 403',
    ];
    expect(covered).toEqual(expect.arrayContaining(expected));
    expect(covered.length).toBeGreaterThanOrEqual(40);
    // Every operation of the document was exercised at least once.
    const operations = new Set(covered.map((key) => key.split(' ').slice(0, 2).join(' ')));
    expect(operations.size).toBe(operationsOf(doc).length);
  });
});
