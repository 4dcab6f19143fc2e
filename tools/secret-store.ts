/**
 * The secret store a script works on: without a stage, the local file of `npm start`
 * (HANDSHAKE_DATA_DIR); with `--stage <name>`, that deployed stage's Secrets Manager secrets
 * `handshake/<name>/…` (AWS credentials from the usual environment).
 */
import { dataDirOf } from '../infra/local-environment.cjs';
import { awsSecretsClient, createAwsSecretSource } from '../lib/secrets/aws';
import { createFileSecretSource, secretsFilePath } from '../lib/secrets/file';
import type { SecretWriter } from '../lib/secrets/port';

export type ScriptSecretStore =
  | { readonly kind: 'local'; readonly store: SecretWriter; readonly where: string; readonly dataDir: string }
  | { readonly kind: 'stage'; readonly store: SecretWriter; readonly where: string; readonly prefix: string };

export const DEFAULT_REGION = 'us-east-1';

/** The environment variables it reads, for --help. */
export const SECRET_STORE_ENVIRONMENT = [
  ['HANDSHAKE_DATA_DIR', 'the local data folder of npm start (default .handshake); without --stage'],
  ['AWS_REGION', `the region of a stage when --region is not given (default ${DEFAULT_REGION})`],
  ['AWS_PROFILE, AWS_…', 'the AWS credentials used with --stage'],
] as const;

export function secretStore(stage: string | undefined, region: string | undefined): ScriptSecretStore {
  if (stage === undefined) {
    const dataDir = dataDirOf(process.env, process.cwd());
    return {
      kind: 'local',
      store: createFileSecretSource(dataDir),
      where: secretsFilePath(dataDir),
      dataDir,
    };
  }
  const awsRegion = region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
  const prefix = `handshake/${stage}`;
  return {
    kind: 'stage',
    // Max age 0: a script must see what it or another just wrote, not a cached value.
    store: createAwsSecretSource({ client: awsSecretsClient(awsRegion), prefix, maxAgeSeconds: 0 }),
    where: `Secrets Manager, secrets under ${prefix}/ (${awsRegion})`,
    prefix,
  };
}
