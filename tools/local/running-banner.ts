/** What `npm start` shows once everything answers: where it runs and how to reach it. */
import type { createFileSecretSource } from '../../lib/secrets/file';
import { secretsFilePath } from '../../lib/secrets/file';
import { credentialsNotice } from './credentials-notice';
import { LOCAL_DELIVERY_INTERVAL_MS } from './deliver-loop';

/** What the terminal shows once everything answers. */
export async function printRunning(
  where: {
    readonly publicUrl: string;
    readonly dataDir: string;
    readonly noticeWhere: Parameters<typeof credentialsNotice>[1];
  },
  endpoint: string,
  secrets: { readonly created: boolean; readonly adminKey: string },
  webhookUrl: string | undefined,
  secretSource: ReturnType<typeof createFileSecretSource>,
): Promise<void> {
  const { publicUrl, dataDir, noticeWhere } = where;
  const given = process.env.HANDSHAKE_ADMIN_KEY;
  console.log('');
  console.log(`Handshake is running at ${publicUrl}`);
  console.log(`  data dir:   ${dataDir}`);
  console.log(`  DynamoDB:   ${endpoint}`);
  // Shown once, when generated (like an installation key); later starts only say where it is.
  if (secrets.created) {
    console.log(
      `  admin key:  ${secrets.adminKey}  (generated now and shown once; \`npm run -s admin-key\` prints it again)`,
    );
  } else {
    const origin = given !== undefined && given !== '' ? 'from HANDSHAKE_ADMIN_KEY, ' : '';
    console.log(
      `  admin key:  ${origin}kept in ${secretsFilePath(dataDir)}; \`npm run -s admin-key\` prints it`,
    );
  }
  if (webhookUrl) {
    console.log(
      `  webhooks:   auth events to ${webhookUrl}, checked every ${LOCAL_DELIVERY_INTERVAL_MS / 1000} s`,
    );
    console.log('              (`npm run -s secrets -- webhook-secret` prints the signing secret)');
  }
  for (const line of await credentialsNotice(secretSource, noticeWhere)) console.log(line);
  console.log(`  try:        curl ${publicUrl}/health   (and ${publicUrl}/ in a browser)`);
  console.log('Ctrl-C stops everything.');
}
