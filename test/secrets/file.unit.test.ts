import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSecretSource, secretsFilePath } from '../../lib/secrets/file';

describe('createFileSecretSource', () => {
  let root: string;
  let dataDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'handshake-secrets-'));
    dataDir = join(root, 'data');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('answers undefined before anything is written, without creating the file', async () => {
    // Act
    const value = await createFileSecretSource(dataDir).get('admin-key');

    // Assess
    expect(value).toBeUndefined();
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
  });

  it('creates the directory 0700 and the file 0600 and reads back what it wrote', async () => {
    // Prepare
    const secrets = createFileSecretSource(dataDir);

    // Act
    await secrets.put('admin-key', 'hsa_one');
    await secrets.put('webhook-signing', 'whs');

    // Assess
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(secretsFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect(await secrets.get('admin-key')).toBe('hsa_one');
    expect(JSON.parse(await readFile(secretsFilePath(dataDir), 'utf8'))).toEqual({
      'admin-key': 'hsa_one',
      'webhook-signing': 'whs',
    });
  });

  it('replaces the file by rename, leaving no temporary file and losing no concurrent write', async () => {
    // Prepare: a reader holding the current file open
    const secrets = createFileSecretSource(dataDir);
    await secrets.put('admin-key', 'first');
    const reader = await open(secretsFilePath(dataDir), 'r');

    try {
      // Act
      await Promise.all([secrets.put('admin-key', 'second'), secrets.put('token-keys', 'ring')]);

      // Assess: the open file still holds the old content, so it was swapped, not rewritten in place
      expect(JSON.parse(await reader.readFile('utf8'))).toEqual({ 'admin-key': 'first' });
    } finally {
      await reader.close();
    }
    expect(await readdir(dataDir)).toEqual(['secrets.json']);
    expect(await secrets.get('admin-key')).toBe('second');
    expect(await secrets.get('token-keys')).toBe('ring');
  });

  it('sees a rotation written by another process', async () => {
    // Prepare
    const secrets = createFileSecretSource(dataDir);
    await secrets.put('token-keys', 'ring-1');
    await secrets.get('token-keys');

    // Act
    await writeFile(secretsFilePath(dataDir), JSON.stringify({ 'token-keys': 'ring-2' }));

    // Assess
    expect(await secrets.get('token-keys')).toBe('ring-2');
  });

  it('keeps the mode of a data directory that already exists', async () => {
    // Prepare: the directory was created by someone else (e.g. DynamoDB Local's data)
    await createFileSecretSource(root).put('admin-key', 'x');

    // Act
    const mode = (await stat(root)).mode & 0o777;

    // Assess
    expect(mode).toBe(0o700); // mkdtemp's own mode, untouched
    expect((await stat(secretsFilePath(root))).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"admin-key": "hsa_secret-value"', /is not valid JSON/],
    ['an array', '["hsa_secret-value"]', /must hold a JSON object/],
    [
      'a non-string value',
      '{"admin-key": {"v": "hsa_secret-value"}}',
      /value of "admin-key" must be a string/,
    ],
  ])(
    'refuses a malformed file (%s), naming the file but not its content',
    async (_case, content, message) => {
      // Prepare
      await createFileSecretSource(dataDir).put('webhook-signing', 'x');
      await writeFile(secretsFilePath(dataDir), content);

      // Act
      const failure = createFileSecretSource(dataDir).get('admin-key');

      // Assess
      await expect(failure).rejects.toThrow(message);
      await expect(failure).rejects.toThrow(secretsFilePath(dataDir));
      await expect(failure).rejects.not.toThrow(/hsa_secret-value/);
    },
  );
});
