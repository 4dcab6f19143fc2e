import type { Cipher } from '../crypto/cipher';
import type { Sealed } from '../crypto/sealed';

/**
 * The only way to make a `Sealed` value: encryption bound to its owner (the AAD). Stores accept
 * nothing else for secret fields, so a plaintext token cannot reach DynamoDB by mistake.
 */
export interface Vault {
  seal(plaintext: string, aad: string): Sealed;
  open(sealed: Sealed, aad: string): string;
}

export function vaultFrom(cipher: Cipher): Vault {
  return {
    seal: (plaintext, aad) => cipher.encrypt(plaintext, aad) as Sealed,
    open: (sealed, aad) => cipher.decrypt(sealed, aad),
  };
}
