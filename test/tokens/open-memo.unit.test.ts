import type { Sealed } from '../../lib/crypto/sealed';
import { OpenMemo } from '../../lib/tokens/open-memo';
import type { Vault } from '../../lib/tokens/vault';

/** A vault whose "ciphertext" names a fresh seal each time, as AES-GCM with a random IV does. */
function countingVault() {
  let seals = 0;
  const opened: string[] = [];
  const vault: Vault = {
    seal: (plaintext, aad) => {
      seals += 1;
      return `${aad}|${seals}|${plaintext}` as Sealed;
    },
    open: (sealed) => {
      opened.push(sealed);
      return sealed.split('|')[2] ?? '';
    },
  };
  return { vault, opened };
}

describe('OpenMemo', () => {
  it('opens an unchanged ciphertext once, and a re-sealed value (a reconnect, a refresh) anew', () => {
    // Prepare
    const { vault, opened } = countingVault();
    const memo = new OpenMemo();
    const alice = vault.seal('token-of-alice', 'aad');
    // Act
    const first = [memo.open(vault, alice, 'aad'), memo.open(vault, alice, 'aad')];
    const bob = vault.seal('token-of-bob', 'aad');
    const afterReconnect = memo.open(vault, bob, 'aad');
    // Assess
    expect(first).toEqual(['token-of-alice', 'token-of-alice']);
    expect(afterReconnect).toBe('token-of-bob');
    expect(opened).toEqual([alice, bob]);
  });

  it('keys by AAD too, and forgets the oldest entry past its size', () => {
    // Prepare
    const { vault, opened } = countingVault();
    const memo = new OpenMemo(2);
    const [a, b, c] = ['a', 'b', 'c'].map((value) => vault.seal(value, 'aad')) as [Sealed, Sealed, Sealed];
    // Act
    memo.open(vault, a, 'aad');
    memo.open(vault, a, 'other-aad');
    memo.open(vault, b, 'aad');
    memo.open(vault, c, 'aad');
    memo.open(vault, a, 'aad');
    // Assess: a under "other-aad" is a separate entry; the first a was evicted and opened again.
    expect(opened).toEqual([a, a, b, c, a]);
  });
});
