/**
 * @handshake-oauth/client against `npm start` itself (serverless-offline, its own DynamoDB
 * Local), with the test OAuth server's provider app, a real upstream and a real webhook
 * receiver: a 200 resolves, an upstream 404 and a refusal reject as FDK does, an account
 * without a grant rejects with REAUTHORIZATION_REQUIRED, and a webhook event npm start
 * delivered verifies — and no longer does tampered or stale.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSecretSource } from '../../../lib/secrets/file';
import { createClient, verifyWebhook } from '../../../packages/client/src/index';
import { freePort } from '../../../tools/local/dynamodb-local';
import { type Started, startLocal, stopLocal, userEnv } from '../../support/local-instance';
import { type OAuthServer, startOAuthServer } from '../../support/oauth-server';
import { providerClients, writeProviderApp } from '../../support/provider-app';
import { type Receiver, startReceiver } from '../../support/receiver';
import { startUpstream, type Upstream } from '../../support/upstream';
import { rejection } from './rejection';

const ADMIN_KEY = 'hsa_client-test-admin-key-0123456789';
let started: Started | undefined;
let oauth: OAuthServer;
let upstream: Upstream;
let receiver: Receiver;
let url: string;
let dataDir: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'handshake-client-start-'));
  oauth = await startOAuthServer({ clients: providerClients(`${url}/oauth/callback`) });
  upstream = await startUpstream(oauth.resourceUrl);
  receiver = await startReceiver();
  started = await startLocal(
    userEnv({
      PORT: String(port),
      HANDSHAKE_DATA_DIR: dataDir,
      HANDSHAKE_ADMIN_KEY: ADMIN_KEY,
      APP_DIR: writeProviderApp(oauth),
      HANDSHAKE_EGRESS_ALLOW: '127.0.0.0/8,localhost',
      HANDSHAKE_WEBHOOK_URL: receiver.url,
    }),
  );
}, 180_000);
afterAll(async () => {
  if (started) await stopLocal(started);
  await Promise.all([upstream?.close(), receiver?.close(), oauth?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the client against npm start', () => {
  it('resolves a 200 and rejects an upstream 404, a refusal and an account without a grant as FDK does', async () => {
    const admin = createClient({ url, key: ADMIN_KEY });
    const installation = await admin.installations.create({ iparams: { upstream: upstream.host } });
    const $request = createClient({ url, key: installation.apiKey, installationId: installation.id }).request;

    const ok = await $request.invokeTemplate('item', { context: { id: 'from-npm-start' } });
    expect(ok).toMatchObject({ status: 200, attempts: 1 });
    expect(JSON.parse(ok.response)).toMatchObject({ url: '/echo/item/from-npm-start' });

    expect(
      await rejection($request.invokeTemplate('graph', { context: { path: '/missing' } })),
    ).toMatchObject({
      status: 404,
      errorSource: 'APP',
      code: undefined,
      response: 'no such path',
    });
    expect(await rejection($request.invokeTemplate('neverDeclared'))).toMatchObject({
      status: 404,
      errorSource: 'APP',
      code: 'TEMPLATE_NOT_DECLARED',
    });
    // `echo` uses beta's token, and no one connected beta here.
    expect(await rejection($request.invokeTemplate('echo', { context: { id: '1' } }))).toMatchObject({
      status: 401,
      errorSource: 'APP',
      code: 'REAUTHORIZATION_REQUIRED',
    });
  }, 60_000);

  it('verifies a webhook event npm start delivered, and refuses it tampered or stale', async () => {
    const admin = createClient({ url, key: ADMIN_KEY });
    const { id } = await admin.installations.create({ iparams: { upstream: upstream.host } });
    receiver.clear();
    expect(await admin.testWebhook(id)).toMatchObject({ delivered: true });
    const [delivered] = receiver.ofType('webhook.test');
    const secret = (await createFileSecretSource(dataDir).get('webhook-signing')) ?? '';
    expect(secret).not.toBe('');
    const { headers, raw } = delivered ?? { headers: {}, raw: '' };
    expect(verifyWebhook(raw, headers, secret)).toBe(true);
    expect(verifyWebhook(raw.replace('webhook.test', 'account.deleted'), headers, secret)).toBe(false);
    expect(verifyWebhook(raw, headers, secret, { now: Date.now() / 1000 + 400 })).toBe(false);
  }, 60_000);
});
