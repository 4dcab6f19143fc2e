/**
 * Everything the functions log during a full flow — install, connect in a browser, invoke,
 * refresh, a refused callback, delete — scanned for every secret the flow used. Logs are on
 * (DEBUG) for this file and captured where Powertools writes them: stdout and stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashKey } from '../../lib/crypto/keys';
import { createFileSecretSource } from '../../lib/secrets/file';
import { freePort } from '../../tools/local/dynamodb-local';
import { testEndpoint } from '../support/dynamo';
import { lambdaContext } from '../support/events';
import {
  ADMIN,
  bearer,
  callback,
  linkFor,
  personConnects,
  startAuthorization,
  storedTokens,
  testInfrastructure,
  useHarness,
  world,
} from '../support/harness';
import { REPO_ROOT } from '../support/local-env';
import { PROVIDER_CLIENTS } from '../support/provider-app';
import { type Receiver, startReceiver } from '../support/receiver';
import { startUpstream, type Upstream } from '../support/upstream';

// The functions' logger is created when they are loaded, after the harness set this.
// The webhook URL carries a receiver token in its query, as some receivers want: never logged.
const RECEIVER_TOKEN = 'receiver-url-token-7Hq2';
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
useHarness({
  env: () => ({
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    HANDSHAKE_WEBHOOK_URL: `${receiver.url}?token=${RECEIVER_TOKEN}`,
  }),
});

let upstream: Upstream;
const captured: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
  for (const stream of ['stdout', 'stderr'] as const) {
    const original = writes[stream].bind(process[stream]);
    process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      captured.push(text);
      // The functions' JSON logs are kept for the scan, not printed; anything else passes.
      if (text.startsWith('{"level"') || text.startsWith('{"_aws"')) return true;
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }
});
afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await upstream?.close();
  await receiver?.close();
});

it('logs the flow with ids and outcomes, and never a token, key or secret', async () => {
  const secureIparam = 'secure-iparam-value-Qz81';
  const created = await fetch(`${world.api.url}/installations`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      iparams: { upstream: upstream.host, api_key: secureIparam },
      app_settings: { note: 'app-setting-value-Vb27' },
    }),
  });
  const installation = (await created.json()) as { id: string; apiKey: string };
  // Not secrets, but an installation's own data: never logged either.
  const replaced = await fetch(`${world.api.url}/installations/${installation.id}/app-settings`, {
    method: 'PUT',
    headers: bearer(installation.apiKey),
    body: JSON.stringify({ note: 'app-setting-value-Pq64' }),
  });
  expect(replaced.status).toBe(200);

  const linkUrl = await linkFor(installation.id, { integration: 'beta' });
  const { page, callbackUrl } = await personConnects(linkUrl);
  await page.context().close();
  const connected = await storedTokens(installation.id, 'beta');

  const invoked = await fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
    method: 'POST',
    headers: bearer(installation.apiKey),
    body: JSON.stringify({ template: 'echo', context: { id: '1' } }),
  });
  expect(invoked.status).toBe(200);
  const refreshed = await fetch(
    `${world.api.url}/installations/${installation.id}/integrations/beta/refresh`,
    {
      method: 'POST',
      headers: bearer(ADMIN),
      body: '{}',
    },
  );
  expect(refreshed.status).toBe(200);
  const after = await storedTokens(installation.id, 'beta');
  // A grant imported as given, and one whose validating refresh the provider refuses.
  const importUrl = `${world.api.url}/installations/${installation.id}/integrations/beta/import`;
  const imported = {
    access_token: 'imported-access-token-Hk47',
    refresh_token: 'imported-refresh-token-Jm52',
  };
  const stored = await fetch(importUrl, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({ ...imported, account: 'imported' }),
  });
  expect(stored.status).toBe(200);
  const refused = await fetch(importUrl, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      access_token: 'imported-access-token-Rt19',
      refresh_token: 'imported-refresh-token-Wd08',
      validate: 'refresh',
    }),
  });
  expect(refused.status).toBe(400);
  // A refused callback with a real (spent) state and a failing token endpoint.
  const started = await startAuthorization(await linkFor(installation.id, { integration: 'beta' }));
  await world.oauth.failTokenEndpoint({ status: 400, body: { error: 'invalid_grant' }, times: 1 });
  await callback({ code: 'a-code-value-9x', state: started.state, iss: world.oauth.issuer }, started.cookie);
  await fetch(callbackUrl);
  expect(
    (
      await fetch(`${world.api.url}/installations/${installation.id}`, {
        method: 'DELETE',
        headers: bearer(ADMIN),
      })
    ).status,
  ).toBe(204);
  // The auth events of the flow, one failed attempt each first.
  receiver.script([500, 500, 500, 500, 500]);
  const { handler: deliver } = (await import('../../functions/deliver')) as unknown as {
    handler: (event: unknown, context: unknown) => Promise<Record<string, number>>;
  };
  const schedule = { source: 'aws.events', 'detail-type': 'Scheduled Event' };
  expect(await deliver(schedule, lambdaContext('handshake-dev-deliver'))).toMatchObject({ retry: 3 });
  const webhookSecret = await (await testInfrastructure()).secrets.get('webhook-signing');

  const logs = captured.join('');
  // The flow was logged…
  for (const line of [
    'account authorized',
    'handshake finished',
    'invoke',
    'token refreshed',
    'request served',
    'webhook delivery failed; will retry',
  ]) {
    expect(logs).toContain(line);
  }
  expect(logs).toContain(installation.id);
  // …and no secret of it ever was.
  const secrets = {
    adminKey: ADMIN,
    installationKey: installation.apiKey,
    installationKeySecret: installation.apiKey.slice(-43),
    accessToken: connected.tokens?.accessToken,
    refreshToken: connected.tokens?.refreshToken,
    newAccessToken: after.tokens?.accessToken,
    newRefreshToken: after.tokens?.refreshToken,
    clientSecret: PROVIDER_CLIENTS.beta.clientSecret,
    secureIparam,
    linkToken: linkUrl.slice(linkUrl.lastIndexOf('/') + 1),
    state: started.state,
    stateHash: hashKey(started.state),
    browserCookie: started.cookie.split('=')[1],
    code: 'a-code-value-9x',
    webhookSecret,
    receiverToken: RECEIVER_TOKEN,
    appSetting: 'app-setting-value-Vb27',
    replacedAppSetting: 'app-setting-value-Pq64',
    importedAccessToken: imported.access_token,
    importedRefreshToken: imported.refresh_token,
    refusedAccessToken: 'imported-access-token-Rt19',
    refusedRefreshToken: 'imported-refresh-token-Wd08',
  };
  for (const [name, value] of Object.entries(secrets)) {
    expect(value).toBeTruthy();
    expect({ name, leaked: logs.includes(String(value)) }).toEqual({ name, leaked: false });
  }
  expect(logs).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}, 120_000);

/**
 * `npm start` itself: serverless-offline prints each request's path, so a connect link would
 * reach the terminal in full without the redactor in tools/start.ts. Runs the real script
 * against the test DynamoDB Local and scans everything it printed.
 */
it('npm start prints no connect link, state, code or key of the requests it serves', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const admin = 'hsa_log-scan-admin-key-for-npm-start-0123456789';
  const dataDir = mkdtempSync(join(tmpdir(), 'handshake-start-'));
  // The sample app's file holds placeholders: without stored credentials no link is made.
  const clientSecret = 'hubspot-client-secret-Lw9';
  await createFileSecretSource(dataDir).put(
    'client-credentials',
    JSON.stringify({ hubspot: { client_id: 'hubspot-client-id', client_secret: clientSecret } }),
  );
  const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['tools/start.ts'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      PUBLIC_URL: base,
      HANDSHAKE_DATA_DIR: dataDir,
      HANDSHAKE_STAGE: `logscan${port}`,
      HANDSHAKE_ADMIN_KEY: admin,
      AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
      // Every line as serverless-offline prints it, request paths included: the redactor's case.
      HANDSHAKE_LOG: 'raw',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  try {
    await waitFor(
      () => output.includes('Handshake is running') || child.exitCode !== null,
      150_000,
      () => output,
    );
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    // The sample app (APP_DIR's default) needs its one required iparam.
    const created = await fetch(`${base}/installations`, {
      method: 'POST',
      headers: bearer(admin),
      body: JSON.stringify({ iparams: { freshservice_domain: 'acme' } }),
    });
    expect(created.status).toBe(201);
    const installation = (await created.json()) as { id: string; apiKey: string };
    const made = await fetch(`${base}/installations/${installation.id}/connect-links`, {
      method: 'POST',
      headers: bearer(installation.apiKey),
      body: JSON.stringify({ integration: 'hubspot' }),
    });
    expect(made.status).toBe(201);
    const { url } = (await made.json()) as { url: string };
    const linkToken = url.slice(url.lastIndexOf('/') + 1);
    expect((await fetch(url)).status).toBe(200);
    // The form post (refused without its page: still a logged request with the token in its path).
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const state = `hst_${installation.id}_${'S'.repeat(43)}`;
    const code = 'provider-code-value-Kp4';
    await fetch(`${base}/oauth/callback?code=${code}&state=${state}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(output).toContain(`GET /connect/hcl_${installation.id}_#`);
    for (const [name, value] of Object.entries({
      linkToken,
      linkSecret: linkToken.slice(-43),
      state,
      code,
      adminKey: admin,
      installationKey: installation.apiKey,
      clientSecret,
    })) {
      expect({ name, leaked: output.includes(value) }).toEqual({ name, leaked: false });
    }
  } finally {
    // An 'exit' that already happened never fires again: waiting for it would stall until the timeout.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}, 200_000);

async function waitFor(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${describe().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
