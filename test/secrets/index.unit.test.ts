import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config';
import { createFileSecretSource } from '../../lib/secrets/file';
import { secretSource } from '../../lib/secrets/index';

describe('secretSource', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'handshake-index-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the data-dir file when configured for "file" and returns the same instance each time', async () => {
    // Prepare
    const config = loadConfig({
      NODE_ENV: 'test',
      HANDSHAKE_DATA_DIR: dataDir,
      HANDSHAKE_SECRET_SOURCE: 'file',
    });

    // Act
    const first = secretSource(config);
    await first.put('admin-key', 'hsa_local');

    // Assess
    expect(secretSource(config)).toBe(first);
    expect(await createFileSecretSource(dataDir).get('admin-key')).toBe('hsa_local');
  });

  it('gives a different store for a different data dir', () => {
    // Prepare
    const a = loadConfig({ NODE_ENV: 'test', HANDSHAKE_DATA_DIR: join(dataDir, 'a') });
    const b = loadConfig({ NODE_ENV: 'test', HANDSHAKE_DATA_DIR: join(dataDir, 'b') });

    // Act / Assess
    expect(secretSource(a)).not.toBe(secretSource(b));
  });

  it('uses Secrets Manager when configured for "aws"', () => {
    // Prepare
    const config = loadConfig({
      HANDSHAKE_TABLE: 't',
      HANDSHAKE_SECRET_SOURCE: 'aws',
      AWS_REGION: 'eu-west-1',
    });

    // Act
    const source = secretSource(config);

    // Assess
    expect(source).toBe(secretSource(config));
    expect(source).not.toBe(secretSource({ ...config, secretSource: 'file' }));
  });
});
