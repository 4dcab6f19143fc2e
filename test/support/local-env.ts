import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resetConfigForTests } from '../../lib/config';
import { createFileSecretSource } from '../../lib/secrets/file';
import { appModelEnv } from '../../tools/app';
import { ensureLocalSecrets } from '../../tools/local/local-secrets';
import type { TestTable } from './dynamo';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The environment `npm start` gives the functions, pointed at a test table and a temp data
 * dir holding the local secrets file. Call before importing a function module. The app is
 * `extra.APP_DIR` (default the sample app), validated here: the functions, unbundled, read its
 * model from the file HANDSHAKE_APP_MODEL names (an invalid app throws AppInvalidError now).
 */
export async function localFunctionEnv(
  table: TestTable,
  adminKey: string,
  extra: Record<string, string> = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'handshake-test-'));
  const { APP_DIR: appDir = join(REPO_ROOT, 'app'), ...rest } = extra;
  Object.assign(process.env, {
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_TABLE: table.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    HANDSHAKE_DATA_DIR: dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    // For the scripts a test runs (`npm run secrets` checks integration names against it).
    APP_DIR: appDir,
    ...appModelEnv(appDir, dataDir),
    ...rest,
  });
  resetConfigForTests();
  const secrets = createFileSecretSource(dataDir);
  await ensureLocalSecrets(secrets, { adminKey });
  return { dataDir, secrets };
}
