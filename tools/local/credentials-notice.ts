/**
 * What `npm start` says of the integrations whose OAuth client credentials are still
 * placeholders: their connect links answer 409 until the operator sets them, so say it at start
 * rather than at the first link — with the command for each.
 */

import { integrationsWithoutCredentials, setCredentialsCommand } from '../../lib/oauth/client-credentials';
import type { SecretSource } from '../../lib/secrets/port';
import { readAppDir, validateApp } from '../app';

export async function credentialsNotice(
  secrets: SecretSource,
  where: {
    readonly appDir: string /** Named in the commands: not the default data dir. */;
    readonly dataDir?: string;
  },
): Promise<string[]> {
  const { app } = validateApp(readAppDir(where.appDir));
  // The build has refused an invalid app already, with every problem named.
  if (app === undefined) return [];
  const missing = await integrationsWithoutCredentials(app, secrets).catch(() => undefined);
  if (missing === undefined)
    return ['  client credentials: the stored ones are unreadable; set them again with `npm run secrets`'];
  if (missing.length === 0) return [];
  const target =
    where.dataDir === undefined
      ? { kind: 'local' as const }
      : { kind: 'local' as const, dataDir: where.dataDir };
  return [
    `  not set up: ${missing.join(', ')} — placeholder OAuth client credentials; connect links`,
    '              for them answer 409 until they are set, each with:',
    ...missing.map((name) => `              ${setCredentialsCommand(name, target)}`),
  ];
}
