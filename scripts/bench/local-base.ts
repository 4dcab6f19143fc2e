/**
 * What every bench section stands on: a temp dir, DynamoDB Local in memory with a client, and
 * a local secret store with a fresh key ring — all stopped or removed by `cleanup`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCipher } from '../../lib/crypto';
import { createFileSecretSource } from '../../lib/secrets/file';
import type { SecretWriter } from '../../lib/secrets/port';
import { createDynamoClient, documentClient } from '../../lib/store/dynamo';
import { type Vault, vaultFrom } from '../../lib/tokens/vault';
import { freePort, type LocalDynamo, startDynamoLocal } from '../local/dynamodb-local';
import { ensureLocalSecrets } from '../local/local-secrets';
import type { Cleanup } from './section';

export interface LocalBase {
  readonly dir: string;
  readonly dynamo: LocalDynamo;
  readonly raw: DynamoDBClient;
  readonly client: DynamoDBDocumentClient;
  readonly secrets: SecretWriter;
  readonly vaultOf: () => Promise<Vault>;
  readonly vault: Vault;
}

export async function startLocalBase(cleanup: Cleanup, prefix: string): Promise<LocalBase> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const dynamo = await startDynamoLocal({ port: await freePort() });
  cleanup.defer(() => dynamo.stop());
  const raw = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: dynamo.endpoint, local: true });
  cleanup.defer(() => raw.destroy());
  const secrets = createFileSecretSource(join(dir, 'data'));
  await ensureLocalSecrets(secrets);
  const vaultOf = async () => vaultFrom(await loadCipher(secrets));
  return { dir, dynamo, raw, client: documentClient(raw), secrets, vaultOf, vault: await vaultOf() };
}

/** Writes `value` as a JSON file at `name` under `dir` (a bench app's files). */
export function writeJson(dir: string, name: string, value: unknown): void {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}
