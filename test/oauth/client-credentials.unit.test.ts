import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAppDir } from '../../lib/app';
import { loadApp } from '../../lib/app/load-folder';
import {
  clientCredentials,
  listClientCredentials,
  storeClientCredentials,
} from '../../lib/oauth/client-credentials';
import { createFileSecretSource } from '../../lib/secrets/file';
import { REPO_ROOT } from '../support/local-env';

const app = loadApp(readAppDir(join(REPO_ROOT, 'app'))).app;
const hubspot = app?.integrations.get('hubspot');
if (hubspot === undefined) throw new Error('the sample app has a hubspot integration');
const store = () => createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-creds-')));

describe('client credentials', () => {
  it('come from the file when nothing is stored, and from the store once set', async () => {
    const secrets = store();
    expect(await clientCredentials(secrets, hubspot, {})).toEqual({
      clientId: 'set-with-npm-run-secrets',
      clientSecret: 'set-with-npm-run-secrets',
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
    await expect(failure).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
