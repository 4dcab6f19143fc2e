import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretName, SecretWriter } from './port';

/** Where the local stand-in for Secrets Manager keeps its secrets. */
export const secretsFilePath = (dataDir: string): string => join(dataDir, 'secrets.json');

// Structural, not `instanceof Error`: errors from Node's fs may come from another realm (Jest's VM).
const isErrno = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === code;

async function readSecrets(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the file's content, which is secret.
    throw new Error(`Secrets file ${file} is not valid JSON; fix or delete it`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Secrets file ${file} must hold a JSON object of secret name to string value`);
  }
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new Error(`Secrets file ${file}: the value of "${name}" must be a string`);
    }
  }
  return parsed as Record<string, string>;
}

/** Replace `file` in one step, so a reader sees the old content or the new, never a torn write. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * A JSON file `${dataDir}/secrets.json` standing in for Secrets Manager on this machine. Every
 * read goes to the file, so a rotation done by another process (a script, `invoke local`) is
 * seen at once; local reads are cheap enough not to need a cache.
 */
export function createFileSecretSource(dataDir: string): SecretWriter {
  const file = secretsFilePath(dataDir);
  // Writes in this process run one after the other so none loses another's update.
  let writes: Promise<void> = Promise.resolve();

  async function get(name: SecretName): Promise<string | undefined> {
    const value = (await readSecrets(file))[name];
    return value === undefined || value === '' ? undefined : value;
  }

  async function write(name: SecretName, value: string): Promise<void> {
    // An existing directory keeps its mode: it may be shared with DynamoDB Local's data.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const secrets = await readSecrets(file);
    secrets[name] = value;
    await writeAtomically(file, `${JSON.stringify(secrets, null, 2)}\n`);
  }

  function put(name: SecretName, value: string): Promise<void> {
    const done = writes.then(() => write(name, value));
    writes = done.catch(() => undefined);
    return done;
  }

  return { get, put };
}
