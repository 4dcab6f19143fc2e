/**
 * The OAuth test harness itself, without Handshake: a real authorization server (oidc-provider in
 * a child process), a real headless Chromium, and a tiny callback server standing in for the
 * client. Proves the behaviours Handshake's tests rely on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { completeProviderLogin, launchBrowser } from './browser';
import { type OAuthClientSpec, type OAuthServer, startOAuthServer } from './oauth-server';
import { allStarted, type Stoppable, startAll } from './stops';

interface Callback {
  path: string;
  query: Record<string, string>;
}

let server: OAuthServer;
let browser: Browser;
let callbackBase = '';
const callbacks: Callback[] = [];
let basicClient: OAuthClientSpec;
let postClient: OAuthClientSpec;
let running: Stoppable | undefined;

/** The client's redirect target: records each callback and shows a page the test can read. */
async function startCallbackServer(): Promise<Server> {
  const callbackServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    if (!url.pathname.startsWith('/cb/')) {
      res.writeHead(404).end(); // e.g. the browser's /favicon.ico
      return;
    }
    callbacks.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>callback</title><p id="done">callback received</p>');
  });
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  return callbackServer;
}

beforeAll(async () => {
  running = await startAll(async (stops) => {
    const callbackServer = stops.add(await startCallbackServer(), (started) => {
      started.closeAllConnections();
      return new Promise<void>((resolve) => started.close(() => resolve()));
    });
    callbackBase = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
    basicClient = {
      clientId: 'basic-client',
      clientSecret: 'basic secret:with/odd+chars',
      redirectUris: [`${callbackBase}/cb/basic`],
      authMethod: 'client_secret_basic',
    };
    postClient = {
      clientId: 'post-client',
      clientSecret: 'post-secret',
      redirectUris: [`${callbackBase}/cb/post`],
      authMethod: 'client_secret_post',
    };
    const [oauth, chromium] = await allStarted([
      startOAuthServer({ clients: [basicClient, postClient], accessTokenTtlSeconds: 60 }).then((started) =>
        stops.add(started, () => started.stop()),
      ),
      launchBrowser().then((started) => stops.add(started, () => started.close())),
    ]);
    server = oauth;
    browser = chromium;
    return { server, browser };
  });
});

afterAll(async () => {
  await running?.stop();
});

const b64url = (buf: Buffer) => buf.toString('base64url');

interface Authorized {
  code: string;
  state: string;
  iss: string;
  verifier: string;
  callback: Callback;
}

async function authorize(
  client: OAuthClientSpec,
  opts: { scope?: string; prompt?: string | null; deny?: boolean } = {},
): Promise<Authorized & { query: Record<string, string> }> {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const redirectUri = client.redirectUris[0] ?? '';
  const url = new URL(server.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: opts.scope ?? 'openid offline_access tickets.read',
    state,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...(opts.prompt === null ? {} : { prompt: opts.prompt ?? 'consent' }),
  }).toString();

  const context = await browser.newContext(); // fresh cookies: the provider asks for a login
  try {
    const page = await context.newPage();
    const before = callbacks.length;
    await page.goto(url.href);
    await completeProviderLogin(page, {
      login: `user-${client.clientId}`,
      issuer: server.issuer,
      ...(opts.deny ? { deny: true } : {}),
    });
    expect(page.url().startsWith(`${redirectUri}?`)).toBe(true);
    expect(await page.locator('#done').textContent()).toBe('callback received');
    const callback = callbacks[before];
    expect(callbacks).toHaveLength(before + 1);
    if (!callback) throw new Error('no callback');
    expect(callback.path).toBe(new URL(redirectUri).pathname);
    return {
      code: callback.query.code ?? '',
      state: callback.query.state ?? '',
      iss: callback.query.iss ?? '',
      verifier,
      callback,
      query: callback.query,
    };
  } finally {
    await context.close();
  }
}

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function tokenRequest(client: OAuthClientSpec, params: Record<string, string>): Promise<TokenAnswer> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.authMethod === 'client_secret_basic') {
    // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  const res = await fetch(server.tokenUrl, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const exchange = (client: OAuthClientSpec, a: Authorized, verifier = a.verifier) =>
  tokenRequest(client, {
    grant_type: 'authorization_code',
    code: a.code,
    redirect_uri: client.redirectUris[0] ?? '',
    code_verifier: verifier,
  });

const refresh = (client: OAuthClientSpec, refreshToken: string) =>
  tokenRequest(client, { grant_type: 'refresh_token', refresh_token: refreshToken });

async function resourceStatus(accessToken: string): Promise<number> {
  const res = await fetch(server.resourceUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  await res.arrayBuffer();
  return res.status;
}

function tokens(answer: TokenAnswer): { access: string; refresh: string } {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual(
    expect.objectContaining({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
    }),
  );
  return { access: String(answer.body.access_token), refresh: String(answer.body.refresh_token) };
}

describe('OAuth test harness', () => {
  test('discovery advertises S256 only and the iss authorization-response parameter', async () => {
    const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta.issuer).toBe(server.issuer);
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(meta.authorization_endpoint).toBe(server.authorizeUrl);
    expect(meta.token_endpoint).toBe(server.tokenUrl);
    expect(meta.revocation_endpoint).toBe(server.revocationUrl);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
  });

  test('client_secret_post: code + state + iss, PKCE checked, codes single-use, requests recorded', async () => {
    await server.clearReceived();
    const a = await authorize(postClient);
    expect(a.code).not.toBe('');
    expect(a.iss).toBe(server.issuer);
    expect(a.query.state).toBe(a.state);

    const wrong = await exchange(postClient, a, b64url(randomBytes(32)));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    const first = await exchange(postClient, a); // a failed PKCE check does not burn the code
    const t = tokens(first);
    expect(first.body.expires_in).toBe(60);
    expect(first.body.id_token).toEqual(expect.any(String));
    expect(String(first.body.scope).split(' ').sort()).toEqual(['offline_access', 'openid', 'tickets.read']);
    expect(await resourceStatus(t.access)).toBe(200);

    const again = await exchange(postClient, a);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // oidc-provider treats code replay as an attack and revokes what the code produced.
    expect(await resourceStatus(t.access)).toBe(401);

    const seen = await server.received();
    expect(seen.map((r) => r.endpoint)).toEqual(['authorize', 'token', 'token', 'token']);
    const [auth, tok] = seen;
    expect(auth?.method).toBe('GET');
    expect(auth?.query).toEqual(
      expect.objectContaining({
        client_id: 'post-client',
        redirect_uri: postClient.redirectUris[0],
        code_challenge_method: 'S256',
        state: a.state,
        prompt: 'consent',
        scope: 'openid offline_access tickets.read',
      }),
    );
    expect(tok?.method).toBe('POST');
    expect(tok?.form).toEqual(
      expect.objectContaining({
        grant_type: 'authorization_code',
        code: a.code,
        redirect_uri: postClient.redirectUris[0],
        client_id: 'post-client',
        client_secret: 'post-secret',
      }),
    );
    expect(seen[2]?.form.code_verifier).toBe(a.verifier);
    expect(tok?.headers.authorization).toBeUndefined();
    expect(tok?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  test('client_secret_basic: refresh rotates; reusing the old refresh token revokes the grant', async () => {
    await server.clearReceived();
    const a = await authorize(basicClient);
    expect(a.iss).toBe(server.issuer);
    const t0 = tokens(await exchange(basicClient, a));

    const [, tok] = await server.received();
    expect(tok?.headers.authorization).toBe(
      `Basic ${Buffer.from('basic-client:basic%20secret%3Awith%2Fodd%2Bchars').toString('base64')}`,
    );
    expect(tok?.form).toEqual({
      grant_type: 'authorization_code',
      code: a.code,
      redirect_uri: basicClient.redirectUris[0],
      code_verifier: a.verifier,
    });

    const t1 = tokens(await refresh(basicClient, t0.refresh));
    expect(t1.refresh).not.toBe(t0.refresh);
    expect(t1.access).not.toBe(t0.access);
    expect(await resourceStatus(t1.access)).toBe(200);

    const reuse = await refresh(basicClient, t0.refresh);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    const afterReuse = await refresh(basicClient, t1.refresh);
    expect(afterReuse.status).toBe(400);
    expect(afterReuse.body.error).toBe('invalid_grant');
    expect(await resourceStatus(t1.access)).toBe(401);
  });

  test('failTokenEndpoint injects failures without processing; revokeAllGrants kills refresh', async () => {
    const a = await authorize(basicClient);
    const t0 = tokens(await exchange(basicClient, a));

    await server.clearReceived();
    await server.failTokenEndpoint({ status: 503, times: 1 });
    const outage = await refresh(basicClient, t0.refresh);
    expect(outage.status).toBe(503);
    expect(outage.body.error).toBe('temporarily_unavailable');
    const [failed] = await server.received();
    expect(failed?.form).toEqual({ grant_type: 'refresh_token', refresh_token: t0.refresh });

    // The failed request was not processed: the same refresh token is still the live one.
    const t1 = tokens(await refresh(basicClient, t0.refresh));

    await server.failTokenEndpoint({ status: 400, body: { error: 'invalid_grant', error_description: 'x' } });
    for (let i = 0; i < 2; i += 1) {
      const injected = await refresh(basicClient, t1.refresh);
      expect(injected).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'x' } });
    }
    await server.failTokenEndpoint(null);
    const t2 = tokens(await refresh(basicClient, t1.refresh));

    await server.revokeAllGrants();
    const dead = await refresh(basicClient, t2.refresh);
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
    expect(await resourceStatus(t2.access)).toBe(401);
  });

  test('plain OAuth (no openid, no prompt) still gets a refresh token and no id_token', async () => {
    const a = await authorize(postClient, { scope: 'tickets.read contacts', prompt: null });
    expect(a.iss).toBe(server.issuer);
    const answer = await exchange(postClient, a);
    tokens(answer);
    expect(answer.body.id_token).toBeUndefined();
    expect(String(answer.body.scope).split(' ').sort()).toEqual(['contacts', 'tickets.read']);
  });

  test('denying consent redirects with error=access_denied, state and iss', async () => {
    const a = await authorize(postClient, { deny: true });
    expect(a.code).toBe('');
    expect(a.query).toEqual(
      expect.objectContaining({ error: 'access_denied', state: a.state, iss: server.issuer }),
    );
  });

  test('the authorize endpoint enforces PKCE S256 and exact redirect_uri', async () => {
    const redirectUri = postClient.redirectUris[0] ?? '';
    const go = async (params: Record<string, string>) => {
      const url = `${server.authorizeUrl}?${new URLSearchParams({
        response_type: 'code',
        client_id: postClient.clientId,
        scope: 'openid tickets.read',
        state: 's1',
        ...params,
      })}`;
      const res = await fetch(url, { redirect: 'manual' });
      const body = await res.text();
      return { status: res.status, location: res.headers.get('location') ?? '', body };
    };
    const noPkce = await go({ redirect_uri: redirectUri });
    expect(noPkce.status).toBe(303);
    const back = new URL(noPkce.location);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('iss')).toBe(server.issuer);

    const plain = await go({
      redirect_uri: redirectUri,
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'plain',
    });
    expect(new URL(plain.location).searchParams.get('error')).toBe('invalid_request');

    for (const bad of [
      `${redirectUri}/`,
      `${redirectUri}?x=1`,
      redirectUri.replace('127.0.0.1', 'localhost'),
    ]) {
      const res = await go({
        redirect_uri: bad,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      });
      expect(res.status).toBe(400);
      expect(res.location).toBe('');
      expect(res.body).toContain('invalid_redirect_uri');
    }
    const omitted = await go({ code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    expect(omitted.status).toBe(400);
  });

  test('revocation endpoint is recorded and revokes a refresh token', async () => {
    const a = await authorize(basicClient);
    const t = tokens(await exchange(basicClient, a));
    await server.clearReceived();
    const pair = `${encodeURIComponent(basicClient.clientId)}:${encodeURIComponent(basicClient.clientSecret)}`;
    const res = await fetch(server.revocationUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(pair).toString('base64')}`,
      },
      body: new URLSearchParams({ token: t.refresh, token_type_hint: 'refresh_token' }),
    });
    expect(res.status).toBe(200);
    const seen = await server.received();
    expect(seen.map((r) => [r.endpoint, r.form.token])).toEqual([['revocation', t.refresh]]);
    const after = await refresh(basicClient, t.refresh);
    expect(after.body.error).toBe('invalid_grant');
  });
});
