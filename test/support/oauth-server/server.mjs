// A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider, ESM only) for the
// integration tests. Run as a child process by ../oauth-server.ts; configured through the
// OAUTH_SERVER_CONFIG environment variable (JSON). Prints one JSON line `{"port":N,"issuer":…}`
// on stdout once it listens on 127.0.0.1, and exits when its stdin closes (parent gone).
//
// Besides the provider it serves, on the same port:
//   /__control/received            GET  every authorize/token/revocation request seen, in order
//   /__control/clear-received      POST forget them
//   /__control/fail-token          POST {status, body?, times?, delayMs?} | null
//   /__control/revoke-all-grants   POST revoke every grant and every token of every grant
//   /__api/me                      GET  a protected resource: 200 {sub, scope, clientId} for a
//                                       valid Bearer access token, 401 otherwise

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OAUTH_SERVER_CONFIG ?? '{}');
const clients = config.clients ?? [];
const accessTokenTtl = config.accessTokenTtlSeconds ?? 3600;

const ROUTES = { authorization: '/authorize', token: '/token', revocation: '/revoke' };
const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'tickets.read', 'tickets.write', 'contacts'];

// ---------------------------------------------------------------------------------------------
// Storage: a plain Map adapter (the built-in one is an LRU without enumeration; revoking every
// grant needs to enumerate them).

const store = new Map(); // `${model}:${id}` -> { payload, expiresAt }
const grantMembers = new Map(); // grantId -> Set of store keys
const sessionUids = new Map(); // uid -> session id
const userCodes = new Map(); // userCode -> id

function forgetKey(key) {
  const entry = store.get(key);
  store.delete(key);
  const grantId = entry?.payload?.grantId;
  if (grantId) grantMembers.get(grantId)?.delete(key);
}

class MapAdapter {
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expiresAt =
      typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    store.set(key, { payload, expiresAt });
    if (payload.grantId && this.model !== 'Grant') {
      if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
      grantMembers.get(payload.grantId).add(key);
    }
    if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
    if (payload.userCode) userCodes.set(payload.userCode, id);
  }
  async find(id) {
    const key = this.key(id);
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      forgetKey(key);
      return undefined;
    }
    return entry.payload;
  }
  async findByUid(uid) {
    const id = sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }
  async findByUserCode(userCode) {
    const id = userCodes.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }
  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    forgetKey(this.key(id));
  }
  async revokeByGrantId(grantId) {
    const prefix = `${this.model}:`;
    for (const key of [...(grantMembers.get(grantId) ?? [])]) {
      if (key.startsWith(prefix)) forgetKey(key);
    }
  }
}

function revokeAllGrants() {
  let revoked = 0;
  for (const key of [...store.keys()]) {
    if (!key.startsWith('Grant:')) continue;
    const grantId = key.slice('Grant:'.length);
    for (const member of [...(grantMembers.get(grantId) ?? [])]) forgetKey(member);
    grantMembers.delete(grantId);
    forgetKey(key);
    revoked += 1;
  }
  // Tokens whose Grant entry is already gone are dead anyway; drop them too.
  for (const [grantId, members] of grantMembers) {
    for (const member of [...members]) forgetKey(member);
    grantMembers.delete(grantId);
  }
  return revoked;
}

// ---------------------------------------------------------------------------------------------
// Control state.

let received = [];
let failToken = null; // { status, body, remaining, delayMs }

const lower = (headers) =>
  Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]),
  );
const flat = (params) =>
  Object.fromEntries(
    Object.entries(params ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );

function endpointOf(path) {
  if (path === ROUTES.authorization) return 'authorize';
  if (path === ROUTES.token) return 'token';
  if (path === ROUTES.revocation) return 'revocation';
  return undefined;
}

async function readRaw(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function defaultFailureBody(status) {
  if (status >= 500) return { error: 'temporarily_unavailable', error_description: 'injected outage' };
  return { error: 'invalid_request', error_description: 'injected failure' };
}

// ---------------------------------------------------------------------------------------------
// Provider.

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port ?? 0, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    // Cookies ignore ports: keep these distinct from anything else served on 127.0.0.1.
    names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
  },
  clients: clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: c.redirectUris,
    token_endpoint_auth_method: c.authMethod,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  })),
  routes: ROUTES,
  scopes: SCOPES,
  claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: sub, email: `${sub}@example.test` }),
  }),
  // The redirect_uri must be sent and match a registered one exactly.
  allowOmittingSingleRegisteredRedirectUri: false,
  pkce: { required: () => true }, // S256 is the only method oidc-provider v9 supports
  // Like most OAuth providers: a refresh token for every code exchange of a client allowed the
  // refresh_token grant, whether or not `offline_access` (and `prompt=consent`) was asked for.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  expiresWithSession: async () => false,
  rotateRefreshToken: true, // every refresh consumes the old token; reusing it revokes the grant
  ttl: {
    AccessToken: accessTokenTtl,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 600,
    Grant: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
  },
  features: {
    devInteractions: { enabled: true }, // any login name and any password; then a consent page
    revocation: { enabled: true },
    introspection: { enabled: true },
  },
  clientBasedCORS: () => false,
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    ctx.body = `<!doctype html><title>oauth error</title><h1 id="error">${esc(out.error)}</h1><p id="error_description">${esc(out.error_description ?? '')}</p>`;
  },
});

// Record every authorize/token/revocation request before the provider answers it; fail the token
// endpoint on request. The form is what oidc-provider parsed from the raw body (`ctx.oidc.body`),
// i.e. exactly what the client sent.
provider.use(async (ctx, next) => {
  const endpoint = endpointOf(ctx.path);
  if (!endpoint) return next();
  const entry = {
    endpoint,
    method: ctx.method,
    query: Object.fromEntries(new URLSearchParams(ctx.querystring)),
    form: {},
    headers: lower(ctx.headers),
    at: Date.now(),
  };
  received.push(entry);

  if (endpoint === 'token' && failToken && failToken.remaining > 0) {
    const failure = failToken;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failToken = null;
    entry.form = Object.fromEntries(new URLSearchParams(await readRaw(ctx.req)));
    if (failure.delayMs) await sleep(failure.delayMs);
    ctx.status = failure.status;
    ctx.set('Cache-Control', 'no-store');
    if (typeof failure.body === 'string') {
      ctx.type = 'text/plain';
      ctx.body = failure.body;
    } else {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(failure.body ?? defaultFailureBody(failure.status));
    }
    return;
  }

  try {
    await next();
  } finally {
    entry.form = flat(ctx.oidc?.body);
  }
});

const providerCallback = provider.callback();

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function handleControl(req, res, path) {
  if (path === '/__control/received' && req.method === 'GET') return sendJson(res, 200, received);
  if (path === '/__control/clear-received' && req.method === 'POST') {
    received = [];
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/__control/fail-token' && req.method === 'POST') {
    const spec = JSON.parse((await readRaw(req)) || 'null');
    failToken = spec
      ? {
          status: spec.status,
          body: spec.body,
          remaining: spec.times ?? Number.POSITIVE_INFINITY,
          delayMs: spec.delayMs ?? 0,
        }
      : null;
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/__control/revoke-all-grants' && req.method === 'POST') {
    return sendJson(res, 200, { revoked: revokeAllGrants() });
  }
  return sendJson(res, 404, { error: 'unknown control endpoint' });
}

async function handleApi(req, res) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const token = match ? await provider.AccessToken.find(match[1]) : undefined;
  if (!token || token.isExpired) {
    res.writeHead(401, {
      'www-authenticate': 'Bearer error="invalid_token"',
      'content-type': 'application/json',
    });
    return res.end(JSON.stringify({ error: 'invalid_token' }));
  }
  return sendJson(res, 200, { sub: token.accountId, scope: token.scope ?? '', clientId: token.clientId });
}

server.on('request', (req, res) => {
  const path = new URL(req.url ?? '/', issuer).pathname;
  if (path.startsWith('/__control/') || path === '/__api/me') {
    const handler = path === '/__api/me' ? handleApi(req, res) : handleControl(req, res, path);
    handler.catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error?.stack ?? error) });
      else res.end();
    });
    return;
  }
  providerCallback(req, res);
});

provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

process.stdout.write(`${JSON.stringify({ port, issuer })}\n`);
