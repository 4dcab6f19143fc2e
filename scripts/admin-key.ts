/**
 * `npm run -s admin-key`: print the admin key of the local backend (`npm start`) so it can go
 * straight into a variable — `ADMIN=$(npm run -s admin-key)` — without ever being printed in
 * `npm start`'s own output, which people paste into issues and chat.
 */
import { resolve } from 'node:path';
import { createFileSecretSource, secretsFilePath } from '../lib/secrets/file';

const dataDir = resolve(process.env.HANDSHAKE_DATA_DIR ?? '.handshake');

createFileSecretSource(dataDir)
  .get('admin-key')
  .then((key) => {
    if (key === undefined) {
      console.error(`No admin key in ${secretsFilePath(dataDir)}: run \`npm start\` once first.`);
      process.exit(1);
    }
    process.stdout.write(`${key}\n`);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
