import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, isStatic, renderTemplate } from '../../lib/app';
import { UnavailableError } from '../../lib/errors';
import { apiErrorOf } from '../../lib/http/error-status';
import {
  ClientNotConfiguredError,
  clientCredentials,
  credentialsNotSet,
  integrationsWithoutCredentials,
  isPlaceholderCredential,
  listClientCredentials,
  placeholderCredentials,
  setCredentialsCommand,
  storeClientCredentials,
} from '../../lib/oauth/client-credentials';
import { createFileSecretSource } from '../../lib/secrets/file';
import { loadApp, readAppDir } from '../../tools/app';
import { REPO_ROOT } from '../support/local-env';
import { appFolders, FDK_APPS } from '../tools/app/helpers';

const loaded = (dir: string): App | undefined => loadApp(readAppDir(dir)).app;
const app = loaded(join(REPO_ROOT, 'app'));
if (app === undefined) throw new Error('the sample app is valid');
const hubspot = app.integrations.get('hubspot');
if (hubspot === undefined) throw new Error('the sample app has a hubspot integration');
const store = () => createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-creds-')));

/** An FDK sample whose client id and secret are what the installer types on the connect page. */
const byInstaller = loaded(
  join(FDK_APPS, 'request-method-samples/request-template-with-oauth'),
)?.integrations.get('default');
if (byInstaller === undefined) throw new Error('the sample takes its client from oauth_iparams');

describe('client credentials', () => {
  it('refuse the file’s placeholders until the real ones are stored, then come from the store', async () => {
    // Prepare
    const secrets = store();
    // Act
    const before = clientCredentials(secrets, hubspot, {});
    // Assess
    await expect(before).rejects.toBeInstanceOf(ClientNotConfiguredError);
    await expect(before).rejects.toBeInstanceOf(UnavailableError);
    await expect(before).rejects.toMatchObject({
      reason: 'placeholder',
      message: expect.stringContaining('client_id and client_secret are placeholders'),
    });
    await storeClientCredentials(secrets, 'hubspot', { clientId: 'id-1', clientSecret: 'secret-1' });
    expect(await clientCredentials(secrets, hubspot, {})).toEqual({
      clientId: 'id-1',
      clientSecret: 'secret-1',
    });
    expect(await listClientCredentials(secrets)).toEqual([{ integration: 'hubspot', clientId: 'id-1' }]);
    await storeClientCredentials(secrets, 'hubspot', undefined);
    expect(await listClientCredentials(secrets)).toEqual([]);
  });

  it('refuse a malformed secret without repeating its content', async () => {
    const secrets = store();
    await secrets.put('client-credentials', '{"hubspot": "hunter2-secret"}');
    const failure = clientCredentials(secrets, hubspot, {});
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({ reason: 'unreadable' });
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  it('refuse what the installer typed when it renders to a placeholder, and take what is real', async () => {
    const secrets = store();
    const typed = (client_id: string) =>
      clientCredentials(secrets, byInstaller, { client_id, client_secret: 's-1' });
    await expect(typed('   ')).rejects.toMatchObject({
      message: expect.stringContaining('client_id is empty'),
    });
    await expect(typed('xxxx')).rejects.toMatchObject({
      message: expect.stringContaining('client_id is a placeholder'),
    });
    expect(await typed('cid-42')).toEqual({ clientId: 'cid-42', clientSecret: 's-1' });
  });
});

describe('isPlaceholderCredential', () => {
  it.each([
    ['client_id', ''],
    ['client_id', '  '],
    ['client_id', 'set-with-npm-run-secrets'],
    ['client_secret', 'set-with-npm-run-secrets'],
    ['client_id', ' SET_WITH_NPM_RUN_SECRETS '],
    // What the FDK sample apps ship (test/fixtures/fdk-apps).
    ['client_id', '<GITHUB_CLIENT_ID>'],
    ['client_secret', '<ENTER_YOUR_CLIENT_SECRET_HERE>'],
    ['client_id', 'xxx'],
    ['client_secret', 'xxxxxxxxxxxxx'],
    ['client_id', 'YOUR_CLIENT_ID'],
    ['client_secret', 'YOUR SECRET ID HERE'],
    ['client_id', 'your_asana_client_id'],
    ['client_id', "Enter your app's client id here"],
  ] as const)('%s %j is a placeholder', (field, value) => {
    expect(isPlaceholderCredential(field, value)).toBe(true);
  });

  it.each([
    ['client_id', '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com'],
    ['client_id', '5f2b1c9e-8d3a-4e7b-9c1d-2a3b4c5d6e7f'],
    ['client_id', 'Iv1.8a61f9b3a7aba766'],
    ['client_id', 'your-app'],
    ['client_id', 'yourcompany-client'],
    ['client_secret', 'GOCSPX-xxxAbcDefGhiJkl_mnoPqrStuv'],
    ['client_secret', 'x'],
    // A public client has no secret: client_secret_post then sends none.
    ['client_secret', ''],
  ] as const)('%s %j is not', (field, value) => {
    expect(isPlaceholderCredential(field, value)).toBe(false);
  });

  it('recognizes every literal client_id of the FDK sample apps, and none taken from oauth_iparams', () => {
    // Prepare
    const integrations = appFolders(FDK_APPS).flatMap((folder) => [
      ...(loaded(join(FDK_APPS, folder))?.integrations.values() ?? []),
    ]);
    const literal = integrations.filter((integration) => isStatic(integration.clientId));
    const templated = integrations.filter((integration) => !isStatic(integration.clientId));
    // Act
    const missed = literal
      .map((integration) => renderTemplate(integration.clientId, {}))
      .filter((value) => !isPlaceholderCredential('client_id', value));
    // Assess
    expect(literal.length).toBeGreaterThanOrEqual(10);
    expect(templated.length).toBeGreaterThanOrEqual(2);
    expect(missed).toEqual([]);
  });
});

describe('placeholderCredentials and integrationsWithoutCredentials', () => {
  it('list the sample app’s integrations until each has stored credentials', async () => {
    // Prepare
    const secrets = store();
    // Act / Assess
    expect(await placeholderCredentials(secrets, hubspot)).toEqual(['client_id', 'client_secret']);
    expect(await integrationsWithoutCredentials(app, secrets)).toEqual(['freshservice', 'hubspot', 'google']);
    await storeClientCredentials(secrets, 'hubspot', { clientId: 'id-1', clientSecret: 'secret-1' });
    expect(await placeholderCredentials(secrets, hubspot)).toEqual([]);
    expect(await integrationsWithoutCredentials(app, secrets)).toEqual(['freshservice', 'google']);
  });

  it('count a stored placeholder as none, and a client the installer brings as set', async () => {
    const secrets = store();
    await storeClientCredentials(secrets, 'hubspot', { clientId: 'xxxxxx', clientSecret: 'secret-1' });
    expect(await placeholderCredentials(secrets, hubspot)).toEqual(['client_id']);
    expect(await placeholderCredentials(secrets, byInstaller)).toEqual([]);
  });

  it('fail on an unreadable secret rather than call it unset', async () => {
    const secrets = store();
    await secrets.put('client-credentials', '[1, "hunter2-secret"]');
    const listed = integrationsWithoutCredentials(app, secrets);
    await expect(listed).rejects.toBeInstanceOf(ClientNotConfiguredError);
    await expect(listed).rejects.not.toThrow(/hunter2/);
  });
});

describe('the command that sets them', () => {
  it('writes the local store under npm start, and names stage and region for a deployed one', () => {
    expect(setCredentialsCommand('hubspot', { kind: 'local' })).toBe(
      'printf %s "$CLIENT_SECRET" | npm run secrets -- set hubspot --client-id <id>',
    );
    expect(setCredentialsCommand('hubspot', { kind: 'local', dataDir: '/srv/hs' })).toBe(
      'printf %s "$CLIENT_SECRET" | HANDSHAKE_DATA_DIR=/srv/hs npm run secrets -- set hubspot --client-id <id>',
    );
    expect(setCredentialsCommand('hubspot', { kind: 'local', dataDir: "/srv/it's here" })).toContain(
      "HANDSHAKE_DATA_DIR='/srv/it'\\''s here' npm run secrets",
    );
    expect(setCredentialsCommand('hubspot', { kind: 'stage', stage: 'prod', region: 'eu-west-1' })).toBe(
      'printf %s "$CLIENT_SECRET" | npm run secrets -- set hubspot --client-id <id> --stage prod --region eu-west-1',
    );
  });

  it('is in the 409 of a connect link, with the integration', () => {
    const refused = credentialsNotSet('google', ['client_id'], {
      kind: 'stage',
      stage: 'prod',
      region: 'us-east-1',
    });
    expect(apiErrorOf(refused, 'test')).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(refused.message).toContain('"google"');
    expect(refused.message).toContain('client_id is a placeholder');
    expect(refused.message).toContain(
      'npm run secrets -- set google --client-id <id> --stage prod --region us-east-1',
    );
  });
});
