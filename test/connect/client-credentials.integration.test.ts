/**
 * No connect link, and no trip to the provider, while an integration's client credentials are
 * the placeholders of oauth_config.json. Here `beta`'s file holds `set-with-npm-run-secrets`
 * (as the sample app does) and the harness stores its real credentials; tests remove them.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFileSecretSource } from '../../lib/secrets/file';
import {
  ADMIN,
  callback,
  connectLink,
  createInstallation,
  itemsOfKind,
  linkFor,
  ofEndpoint,
  openConnectPage,
  postConnectForm,
  startAuthorization,
  useHarness,
  world,
} from '../support/harness';
import { REPO_ROOT } from '../support/local-env';
import type { OAuthServer } from '../support/oauth-server';
import { PROVIDER_CLIENTS, writeProviderApp } from '../support/provider-app';

const run = promisify(execFile);
const { beta } = PROVIDER_CLIENTS;
// Written out, not imported: lib/oauth loads the logger, which must load after the harness set its level.
const CREDENTIALS_PLACEHOLDER = 'set-with-npm-run-secrets';

/** The provider app with `beta`'s file credentials as the sample app ships them. */
function appWithPlaceholders(oauth: OAuthServer): string {
  const dir = writeProviderApp(oauth);
  const file = join(dir, 'config', 'oauth_config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    integrations: Record<string, Record<string, unknown>>;
  };
  config.integrations.beta = {
    ...config.integrations.beta,
    client_id: CREDENTIALS_PLACEHOLDER,
    client_secret: CREDENTIALS_PLACEHOLDER,
  };
  writeFileSync(file, JSON.stringify(config));
  return dir;
}

// Logs on (the functions' logger is made when they load, after this) to check what the operator reads.
useHarness({ env: ({ oauth }) => ({ APP_DIR: appWithPlaceholders(oauth), POWERTOOLS_LOG_LEVEL: 'INFO' }) });

// The store of `npm start` that the functions read (the harness's data dir).
const secrets = () => createFileSecretSource(process.env.HANDSHAKE_DATA_DIR ?? '');
const removeBeta = () => secrets().put('client-credentials', '{}');
const restoreBeta = () =>
  secrets().put(
    'client-credentials',
    JSON.stringify({ beta: { client_id: beta.clientId, client_secret: beta.clientSecret } }),
  );

// The functions' JSON log lines, captured where Powertools writes them: stdout and stderr.
const logs: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
beforeAll(() => {
  for (const stream of ['stdout', 'stderr'] as const) {
    const original = writes[stream].bind(process[stream]);
    process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (!text.startsWith('{"level"')) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      logs.push(text);
      return true;
    }) as typeof process.stdout.write;
  }
});
afterAll(() => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});
afterEach(restoreBeta);

const logged = (message: string) =>
  logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === message);

describe('POST /installations/{id}/connect-links', () => {
  it('answers 409 naming the integration and the command, and makes the link once that command ran', async () => {
    // Prepare
    const installation = await createInstallation();
    await removeBeta();

    // Act
    const refused = await connectLink(installation.id, ADMIN, { integration: 'beta' });

    // Assess: the refusal, and nothing stored
    expect(refused.status).toBe(409);
    const error = refused.body.error as { code: string; message: string };
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('Integration "beta" has no OAuth client credentials yet');
    const command = error.message.slice(error.message.indexOf('printf %s'));
    expect(command).toBe('printf %s "$CLIENT_SECRET" | npm run secrets -- set beta --client-id <id>');
    expect(error.message).not.toContain('--stage');
    expect(await itemsOfKind(installation.id, 'LINK#')).toEqual([]);
    // Another integration, whose credentials are in its file, is not held up.
    expect((await connectLink(installation.id, ADMIN, { integration: 'acme' })).status).toBe(201);

    // Act: the operator runs the command from the message, in the same environment as the API
    await run('sh', ['-c', command.replace('<id>', beta.clientId)], {
      cwd: REPO_ROOT,
      env: { ...process.env, CLIENT_SECRET: beta.clientSecret },
    });

    // Assess: now the link is made, and leads to the provider with the real client id
    const link = await linkFor(installation.id, { integration: 'beta' });
    const started = await startAuthorization(link);
    expect(started.provider.searchParams.get('client_id')).toBe(beta.clientId);
  }, 60_000);
});

describe('the connect page when the credentials were removed after the link was made', () => {
  it('shows the error page on Authorize, redirects nowhere, stores nothing, and logs the fix', async () => {
    // Prepare: a link and its page, made while the credentials were set
    const installation = await createInstallation();
    const link = await linkFor(installation.id, { integration: 'beta' });
    const opened = await openConnectPage(link);
    await removeBeta();
    logs.length = 0;

    // Act
    const response = await postConnectForm(link, opened);

    // Assess: a page for the person, and no way on to the provider
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    const page = await response.text();
    expect(page).toContain('This connection is not set up yet');
    expect(page).toContain('Ask the operator of Test Desk');
    expect(page).not.toContain('npm run');
    expect(page).not.toContain(CREDENTIALS_PLACEHOLDER);
    expect(await itemsOfKind(installation.id, 'STATE#')).toEqual([]);
    expect(ofEndpoint(await world.oauth.received(), 'authorize')).toEqual([]);

    // Assess: the operator's log line names the command, and no log carries a secret
    expect(logged('connect refused: the OAuth client of the integration is not configured')).toEqual([
      expect.objectContaining({
        level: 'WARN',
        installationId: installation.id,
        integration: 'beta',
        fix: 'printf %s "$CLIENT_SECRET" | npm run secrets -- set beta --client-id <id>',
      }),
    ]);
    expect(logs.join('')).not.toContain(beta.clientSecret);
    expect(logs.join('')).not.toContain(new URL(link).pathname.split('/').pop());

    // The link was not spent: with the credentials back it works.
    await restoreBeta();
    expect((await postConnectForm(link, opened)).status).toBe(302);
  }, 60_000);

  it('keeps a person in the browser on Handshake’s page when Authorize is clicked', async () => {
    // Prepare
    const installation = await createInstallation();
    const link = await linkFor(installation.id, { integration: 'beta' });
    const context = await world.browser.newContext();
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    await removeBeta();

    // Act
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);

    // Assess
    expect(answer?.status()).toBe(503);
    expect(new URL(page.url()).origin).toBe(world.api.url);
    expect(await page.locator('h1').textContent()).toBe('This connection is not set up yet');
    expect(ofEndpoint(await world.oauth.received(), 'authorize')).toEqual([]);
    await context.close();
  }, 60_000);

  it('exchanges no code when they were removed while the person was at the provider', async () => {
    // Prepare: the person was sent to the provider while the credentials were set
    const installation = await createInstallation();
    const started = await startAuthorization(await linkFor(installation.id, { integration: 'beta' }));
    await removeBeta();
    logs.length = 0;

    // Act: the provider sends the person back
    const response = await callback(
      { code: 'code-1', state: started.state, iss: world.oauth.issuer },
      started.cookie,
    );

    // Assess
    expect(response.status).toBe(502);
    const page = await response.text();
    expect(page).toContain('because of how this service is set up');
    expect(page).not.toContain('npm run');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect(logged('code not exchanged: the OAuth client of the integration is not configured')).toEqual([
      expect.objectContaining({
        integration: 'beta',
        fix: expect.stringContaining('npm run secrets -- set beta'),
      }),
    ]);
  });

  it('says so on the page itself, before any form is filled in', async () => {
    // Prepare
    const installation = await createInstallation();
    const link = await linkFor(installation.id, { integration: 'beta' });
    await removeBeta();

    // Act
    const response = await fetch(link);

    // Assess
    expect(response.status).toBe(503);
    const page = await response.text();
    expect(page).toContain('This connection is not set up yet');
    expect(page).not.toContain('<form');
  });
});
