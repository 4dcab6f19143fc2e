import type { Config } from '../config';
import { awsSecretsClient, createAwsSecretSource } from './aws';
import { createFileSecretSource } from './file';
import type { SecretWriter } from './port';

export type { SecretGetOptions, SecretName, SecretSource, SecretWriter } from './port';
export { SECRET_NAMES } from './port';

const sources = new Map<string, SecretWriter>();

/**
 * The process-wide secret store chosen by `config.secretSource`: Secrets Manager in AWS, a
 * file in the data dir locally. One instance per store, so its cache is shared by all callers.
 */
export function secretSource(config: Config): SecretWriter {
  const key =
    config.secretSource === 'aws' ? `aws:${config.region}:${config.secretPrefix}` : `file:${config.dataDir}`;
  let source = sources.get(key);
  if (source === undefined) {
    source =
      config.secretSource === 'aws'
        ? createAwsSecretSource({ client: awsSecretsClient(config.region), prefix: config.secretPrefix })
        : createFileSecretSource(config.dataDir);
    sources.set(key, source);
  }
  return source;
}
