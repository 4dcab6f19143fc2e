import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCipher } from '../../lib/crypto';
import { rotateTokenKeys } from '../../lib/crypto/rotation';
import { createFileSecretSource } from '../../lib/secrets/file';
import { ensureLocalSecrets } from '../../tools/local/local-secrets';

const store = async () => {
  const source = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-rotate-')));
  await ensureLocalSecrets(source);
  return source;
};
const keyIdOf = (ciphertext: string) => ciphertext.split('.')[1];

describe('rotateTokenKeys', () => {
  it('at once: new ciphertexts use the new key, old ones stay readable', async () => {
    const source = await store();
    const before = (await loadCipher(source, { fresh: true })).encrypt('old-token', 'aad');
    const id = await rotateTokenKeys(source, { kind: 'at-once' });
    expect(id).toBe('k2');
    const cipher = await loadCipher(source, { fresh: true });
    expect(keyIdOf(cipher.encrypt('new-token', 'aad'))).toBe('k2');
    expect(cipher.decrypt(before, 'aad')).toBe('old-token');
  });

  it('in two steps: the added key is not used until activated', async () => {
    const source = await store();
    const id = await rotateTokenKeys(source, { kind: 'add' });
    expect(keyIdOf((await loadCipher(source, { fresh: true })).encrypt('x', 'aad'))).toBe('k1');
    await rotateTokenKeys(source, { kind: 'activate', id });
    expect(keyIdOf((await loadCipher(source, { fresh: true })).encrypt('x', 'aad'))).toBe(id);
    await expect(rotateTokenKeys(source, { kind: 'activate', id: 'k9' })).rejects.toThrow(/not in the ring/);
  });
});
