import { listingCursorAad } from '../crypto/aad';
import type { Sealed } from '../crypto/sealed';
import { InvalidInputError } from '../errors';
import type { Vault } from './vault';

/**
 * The `next` cursor of an admin listing: its last position, sealed (lib/tokens/vault.ts) and
 * bound to the listing and filter that issued it. Opaque to the caller, and unforgeable: a
 * cursor that was altered, made up, or issued for another listing or filter does not open —
 * so no caller can aim the index at a position or partition it chose.
 */
export interface CursorScope {
  readonly listing: 'installations' | 'events';
  /** The filter's values in a fixed order, '' for an absent one. */
  readonly filter: readonly string[];
}

export const sealCursor = (vault: Vault, scope: CursorScope, position: string): string =>
  vault.seal(JSON.stringify({ p: position }), listingCursorAad(scope.listing, scope.filter));

/** The position a cursor holds; InvalidInputError for any cursor this listing did not issue. */
export function openCursor(vault: Vault, scope: CursorScope, cursor: string): string {
  try {
    const { p } = JSON.parse(vault.open(cursor as Sealed, listingCursorAad(scope.listing, scope.filter)));
    if (typeof p === 'string' && p !== '') return p;
  } catch {
    // Below: one refusal, whatever did not open.
  }
  throw new InvalidInputError(
    'cursor is not one this listing issued (altered, or from another filter): pass the `next` of the previous page unchanged, with the same filter, or leave it out to start from the newest',
  );
}
