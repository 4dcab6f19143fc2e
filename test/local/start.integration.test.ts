/**
 * `npm start` as a user runs it: the real script, DynamoDB Local on disk, serverless-offline
 * serving the esbuild bundles. Data must survive a restart, Ctrl-C must stop everything, and
 * `serverless invoke local` must reach the same state without AWS credentials.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { verifyHandshakeEvent } from '../../examples/verify-webhook.mjs';
import { encodeRefreshMessage } from '../../lib/refresh/fan-out/message';
import { createFileSecretSource } from '../../lib/secrets/file';
import { freePort, portIsFree } from '../../tools/local/dynamodb-local';
import { forInstallation, loadEvent, withAuthorization } from '../support/events';
import { REPO_ROOT } from '../support/local-env';
import { type Receiver, startReceiver } from '../support/receiver';

const run = promisify(execFile);
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'handshake-start-'));
let port = 0;
let current: Started | undefined;

/** The environment of a fresh shell: nothing of the test's own local setup leaks in. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = extra.HANDSHAKE_DATA_DIR ?? dataDir;
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (/^(HANDSHAKE_|AWS_ACCESS|AWS_SECRET|AWS_SESSION|AWS_ENDPOINT|APP_DIR$|NODE_ENV$|IS_)/.test(name))
      delete env[name];
  }
  return { ...env, HANDSHAKE_DATA_DIR: dir, PORT: String(port), ...extra };
}

async function start(extra: Record<string, string> = {}): Promise<Started> {
  let text = '';
  const child = spawn(bin('tsx'), [join(REPO_ROOT, 'tools', 'start.ts')], {
    cwd: REPO_ROOT,
    env: userEnv(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const started = { child, output: () => text };
  current = started;
  const deadline = Date.now() + 150_000;
  while (!text.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return started;
}

async function stop(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  return exited;
}

const api = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, init);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function invokeLocal(fn: string, event: object): Promise<{ statusCode: number; body: string }> {
  const file = join(dataDir, `event-${fn}.json`);
  writeFileSync(file, JSON.stringify(event));
  const { stdout } = await run(bin('serverless'), ['invoke', 'local', '-f', fn, '-p', file], {
    cwd: REPO_ROOT,
    env: userEnv(),
    timeout: 120_000,
  });
  // Logs come first (one JSON line each); the handler's result is the last, pretty-printed value.
  const result = stdout.slice(stdout.lastIndexOf('\n{\n') + 1);
  return JSON.parse(result) as { statusCode: number; body: string };
}

let receiver: Receiver;
beforeAll(async () => {
  port = await freePort();
  receiver = await startReceiver();
});

afterAll(async () => {
  if (current !== undefined) await stop(current);
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let installation: { id: string; apiKey: string };

  it('starts on an empty data dir, shows the generated admin key once and serves the API', async () => {
    const first = await start();
    expect(first.output()).toContain('created');
    expect((await api('/health')).status).toBe(200);
    // The root is the landing page, not serverless-offline's JSON 404.
    const landing = await api('/');
    expect([landing.status, landing.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await landing.text()).toContain('is running');

    const adminKey = await createFileSecretSource(dataDir).get('admin-key');
    expect(adminKey).toMatch(/^hsa_/);
    expect(first.output().split(adminKey as string)).toHaveLength(2);
    const created = await api('/installations', {
      method: 'POST',
      headers: { ...bearer(adminKey as string), 'content-type': 'application/json' },
      body: JSON.stringify({
        iparams: { freshservice_domain: 'acme', freshservice_api_key: 'fs-secret-42' },
      }),
    });
    expect(created.status).toBe(201);
    installation = (await created.json()) as { id: string; apiKey: string };

    const output = first.output();
    for (const secret of [installation.apiKey, 'fs-secret-42']) {
      expect(output).not.toContain(secret);
    }
  }, 180_000);

  it('stops everything on Ctrl-C', async () => {
    const endpoint = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as {
      dynamodbEndpoint: string;
    };
    expect(await stop(current as Started)).toBe(0);
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(Number(new URL(endpoint.dynamodbEndpoint).port))).toBe(true);
  }, 30_000);

  it('starts again on the same data: the installation and its key still work', async () => {
    const second = await start({ HANDSHAKE_WEBHOOK_URL: receiver.url });
    expect(second.output()).toContain(`auth events to ${receiver.url}`);
    expect(second.output()).toContain('found, data kept');
    const adminKey = (await createFileSecretSource(dataDir).get('admin-key')) as string;
    expect(second.output()).not.toContain(adminKey);
    const found = await api(`/installations/${installation.id}`, { headers: bearer(installation.apiKey) });
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({
      id: installation.id,
      iparams: { freshservice_domain: 'acme' },
    });
  }, 180_000);

  it('serves the connect page and sends the person to the provider', async () => {
    const adminKey = (await createFileSecretSource(dataDir).get('admin-key')) as string;
    const makeLink = () =>
      api(`/installations/${installation.id}/connect-links`, {
        method: 'POST',
        headers: { ...bearer(adminKey), 'content-type': 'application/json' },
        body: JSON.stringify({ integration: 'freshservice' }),
      });
    // The sample app's file holds placeholders: no link until the operator runs what the 409 says.
    const refused = await makeLink();
    expect(refused.status).toBe(409);
    const { message } = ((await refused.json()) as { error: { message: string } }).error;
    const command = message.slice(message.indexOf('printf %s'));
    expect(command).toBe('printf %s "$CLIENT_SECRET" | npm run secrets -- set freshservice --client-id <id>');
    await run('sh', ['-c', command.replace('<id>', 'fs-client-id')], {
      cwd: REPO_ROOT,
      env: userEnv({ CLIENT_SECRET: 'fs-client-secret' }),
    });
    const link = await makeLink();
    expect(link.status).toBe(201);
    const { url } = (await link.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^http://localhost:${port}/connect/hcl_`));
    const path = new URL(url).pathname;
    const page = await api(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Connect Freshservice');
    // The form is bound to its page: its cookie (through serverless-offline) and hidden field.
    const [formCookie = ''] = page.headers.getSetCookie();
    // serverless-offline re-serializes it (attribute order changes); each attribute must survive.
    expect(formCookie).toMatch(/^hsf_[0-9a-f]{16}=[\w-]{43};/);
    for (const attribute of ['Path=/connect/', 'HttpOnly', 'SameSite=Lax'])
      expect(formCookie).toContain(attribute);
    const field = /name="handshake-form" value="([\w-]+)"/.exec(html)?.[1] ?? '';
    const submitted = await api(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: `http://localhost:${port}`,
        cookie: formCookie.split(';')[0] ?? '',
      },
      body: new URLSearchParams({ 'handshake-form': field, org_domain: 'acme.myfreshworks.com' }).toString(),
      redirect: 'manual',
    });
    expect(submitted.status).toBe(302);
    const location = new URL(submitted.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(
      'https://acme.myfreshworks.com/org/oauth/v2/authorize',
    );
    expect(location.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/oauth/callback`);
    expect(location.searchParams.get('client_id')).toBe('fs-client-id');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    // serverless-offline re-serializes the cookie; its attributes must survive.
    const [cookie = ''] = submitted.headers.getSetCookie();
    expect(cookie).toMatch(/^hs_[0-9a-f]{16}=[\w-]{43};/);
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/oauth/callback', 'Max-Age=600']) {
      expect(cookie).toContain(attribute);
    }
  }, 60_000);

  it('lets `serverless invoke local` reach the same state without AWS credentials', async () => {
    const health = await invokeLocal('health', loadEvent('health.json'));
    expect(health.statusCode).toBe(200);

    const adminKey = (await createFileSecretSource(dataDir).get('admin-key')) as string;
    const get = loadEvent('installations/get.json', (event) => {
      forInstallation(installation.id)(event);
      withAuthorization(`Bearer ${adminKey}`)(event);
    });
    const described = await invokeLocal('installations', get);
    expect(described.statusCode).toBe(200);
    expect(JSON.parse(described.body)).toMatchObject({ id: installation.id });

    const wrongKey = await invokeLocal('installations', loadEvent('installations/get.json'));
    expect(wrongKey.statusCode).toBe(401);

    // One refresh sweep over the same local state: nothing is connected, so nothing is due.
    const swept = (await invokeLocal('refresh', loadEvent('refresh.json'))) as unknown as Record<
      string,
      unknown
    >;
    expect(swept).toMatchObject({ mode: 'fan-out', due: 0, itemsRead: 0, sent: 0, unfinished: false });
  }, 240_000);

  it('runs the refresh queues: a queued key reaches the refreshWorker function and leaves; an unreadable one stays for redelivery', async () => {
    // Arrange: the queue npm start made for hubspot, as its record tells invoke local.
    const record = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as {
      refresh: { sqsEndpoint: string; queues: Record<string, string> };
    };
    expect(Object.keys(record.refresh.queues).sort()).toEqual(['freshservice', 'google', 'hubspot']);
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: record.refresh.sqsEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const queueUrl = record.refresh.queues.hubspot ?? '';
    const key = { installationId: installation.id, integration: 'hubspot', account: 'nobody-connected' };
    // Act: a key as the sweep sends it (no such account: the worker skips it, the message is
    // done), and one the worker cannot read (a batch item failure: it stays, invisible, for
    // another delivery after the visibility timeout and then the dead-letter queue).
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeRefreshMessage(key) }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"v":1,"installationId":"x"}' }),
    );
    // Assess
    const deadline = Date.now() + 30_000;
    let left: Record<string, string> | undefined;
    do {
      await new Promise((r) => setTimeout(r, 250));
      left = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] })))
        .Attributes;
    } while (
      !(left?.ApproximateNumberOfMessages === '0' && left.ApproximateNumberOfMessagesNotVisible === '1') &&
      Date.now() < deadline
    );
    // Settled: nothing more leaves or comes back within the visibility timeout.
    await new Promise((r) => setTimeout(r, 2_000));
    left = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] })))
      .Attributes;
    sqs.destroy();
    expect(left).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  }, 60_000);

  it('deletes through the running API', async () => {
    const adminKey = (await createFileSecretSource(dataDir).get('admin-key')) as string;
    expect(
      (await api(`/installations/${installation.id}`, { method: 'DELETE', headers: bearer(adminKey) }))
        .status,
    ).toBe(204);
    expect((await api(`/installations/${installation.id}`, { headers: bearer(adminKey) })).status).toBe(404);

    // The local delivery loop sends the installation.deleted event to the app's webhook.
    const deadline = Date.now() + 20_000;
    while (receiver.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const [request, ...more] = receiver.received;
    expect(more).toEqual([]);
    expect(request?.event).toMatchObject({ type: 'installation.deleted', installation: installation.id });
    const secret = (await createFileSecretSource(dataDir).get('webhook-signing')) as string;
    expect(verifyHandshakeEvent(secret, request?.headers ?? {}, request?.raw)).toBe(true);
    // And the secret is what `npm run -s secrets -- webhook-secret` prints.
    const printed = await run(bin('tsx'), [join(REPO_ROOT, 'tools', 'secrets.ts'), 'webhook-secret'], {
      cwd: REPO_ROOT,
      env: userEnv(),
    });
    expect(printed.stdout.trim()).toBe(secret);
  }, 60_000);

  it('uses a DynamoDB that already runs at AWS_ENDPOINT_URL_DYNAMODB and leaves it running', async () => {
    await stop(current as Started);
    const external = process.env.HANDSHAKE_TEST_DYNAMODB_ENDPOINT as string;
    const otherDir = mkdtempSync(join(tmpdir(), 'handshake-start-ext-'));
    try {
      const started = await start({ AWS_ENDPOINT_URL_DYNAMODB: external, HANDSHAKE_DATA_DIR: otherDir });
      expect(started.output()).toContain(`Using the DynamoDB at ${external}`);
      expect((await api('/health')).status).toBe(200);
      expect(await stop(started)).toBe(0);
      expect(await portIsFree(Number(new URL(external).port))).toBe(false);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, 180_000);
});
