import type { Sealed } from '../crypto/sealed';
import type { Vault } from './vault';

/** Enough for every account a busy container serves; the oldest entry goes first past it. */
const DEFAULT_ENTRIES = 1_000;

/**
 * Decryptions remembered by their ciphertext (and AAD). A sealed value decrypts to one
 * plaintext forever — every write seals anew with a fresh IV — so an entry can never be stale:
 * a reconnect, a refresh or a delete changes or removes the ciphertext the caller reads from
 * the table, and the memo is simply not asked for the old one again. It saves the AES-GCM
 * work on the invoke hot path, never a read.
 */
export class OpenMemo {
  private readonly entries = new Map<string, string>();

  constructor(private readonly maxEntries = DEFAULT_ENTRIES) {}

  open(vault: Vault, sealed: Sealed, aad: string): string {
    const key = `${aad}\u0000${sealed}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const plaintext = vault.open(sealed, aad);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, plaintext);
    return plaintext;
  }
}
