/**
 * A real OAuth 2.0 authorization server for integration tests: oidc-provider v9 (ESM only, so it
 * cannot be imported into jest) running in a child process on 127.0.0.1, plain http.
 *
 * - Authorization code flow, PKCE required (S256 only), exact redirect_uri matching (the
 *   redirect_uri must be sent, also at the token endpoint), single-use codes.
 * - Scopes: openid, offline_access, profile, email, tickets.read, tickets.write, contacts. Plain
 *   OAuth requests (no `openid`) work; without `openid` there is no id_token.
 * - Every code exchange returns a refresh token (`issueRefreshToken` is overridden), whatever
 *   scope/prompt was asked for. Refresh tokens rotate on every use; reusing a rotated one answers
 *   invalid_grant and revokes the whole grant (the new refresh token dies too).
 * - Access tokens are opaque and live `accessTokenTtlSeconds`; `${issuer}/__api/me` is a
 *   protected resource answering 200 for a valid Bearer access token and 401 otherwise.
 * - The authorization response carries `iss` (RFC 9207) = `issuer` exactly
 *   (`http://127.0.0.1:<port>`, no trailing slash); discovery says
 *   `authorization_response_iss_parameter_supported: true`.
 * - Login/consent are oidc-provider's dev interactions (any login, any password, then "Continue");
 *   see `completeProviderLogin` in ./browser.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface OAuthClientSpec {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  authMethod: 'client_secret_basic' | 'client_secret_post';
}

export interface ReceivedRequest {
  endpoint: 'authorize' | 'token' | 'revocation';
  method: string;
  query: Record<string, string>;
  /** The parsed application/x-www-form-urlencoded body, exactly as the client sent it. */
  form: Record<string, string>;
  /** Lower-case names, including `authorization`. */
  headers: Record<string, string>;
  at: number;
}

export interface TokenFailureSpec {
  status: number;
  /** JSON body (a string is sent as text/plain). Default {error:'temporarily_unavailable'} for 5xx, else {error:'invalid_request'}. */
  body?: unknown;
  /** How many token requests fail; default: all until cleared with `failTokenEndpoint(null)`. */
  times?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface OAuthServer {
  /** e.g. http://127.0.0.1:41234 — also the exact `iss` of authorization responses. */
  readonly issuer: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revocationUrl: string;
  /** GET with `Authorization: Bearer <access token>`: 200 {sub, scope, clientId} if valid, else 401. */
  readonly resourceUrl: string;
  /** Every authorize/token/revocation request seen, in order. */
  received(): Promise<ReceivedRequest[]>;
  clearReceived(): Promise<void>;
  /** The next `times` token-endpoint requests answer `status` with `body` (JSON) instead of being processed; null clears. */
  failTokenEndpoint(spec: TokenFailureSpec | null): Promise<void>;
  /** Revokes every grant (all tokens of every grant become invalid; a refresh then gets invalid_grant). */
  revokeAllGrants(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOAuthServerOptions {
  clients: OAuthClientSpec[];
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
}

const SERVER_SCRIPT = join(__dirname, 'oauth-server', 'server.mjs');
const STARTUP_TIMEOUT_MS = 15_000;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The child also exits when its stdin closes, which covers a parent killed without this hook.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function waitForReady(child: ChildProcess, output: () => string): Promise<{ port: number; issuer: string }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`OAuth server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`));
    }, STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`OAuth server exited during startup (${code ?? signal}):\n${output()}`));
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const ready = JSON.parse(line) as { port?: unknown; issuer?: unknown };
          if (typeof ready.port === 'number' && typeof ready.issuer === 'string') {
            clearTimeout(timer);
            child.off('exit', onExit);
            child.stdout?.off('data', onData);
            resolve({ port: ready.port, issuer: ready.issuer });
            return;
          }
        } catch {
          // not our line
        }
      }
    };
    child.once('exit', onExit);
    child.stdout?.on('data', onData);
  });
}

export async function startOAuthServer(options: StartOAuthServerOptions): Promise<OAuthServer> {
  installExitHook();
  let output = '';
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: {
      ...process.env,
      OAUTH_SERVER_CONFIG: JSON.stringify({
        clients: options.clients,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  // 'close' follows 'exit' once the child's pipes are closed too; only then is no handle of it left.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void closed.then(() => running.delete(child));
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (process.env.OAUTH_SERVER_DEBUG) process.stderr.write(chunk);
  });

  const { issuer } = await waitForReady(child, () => output);

  const control = async (path: string, init?: RequestInit): Promise<unknown> => {
    const res = await fetch(`${issuer}/__control/${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`OAuth server control ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  const post = (path: string, body?: unknown) =>
    control(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? null),
    });

  return {
    issuer,
    authorizeUrl: `${issuer}/authorize`,
    tokenUrl: `${issuer}/token`,
    revocationUrl: `${issuer}/revoke`,
    resourceUrl: `${issuer}/__api/me`,
    received: async () => (await control('received')) as ReceivedRequest[],
    clearReceived: async () => {
      await post('clear-received');
    },
    failTokenEndpoint: async (spec) => {
      await post('fail-token', spec);
    },
    revokeAllGrants: async () => {
      await post('revoke-all-grants');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await closed;
      clearTimeout(timer);
    },
  };
}
