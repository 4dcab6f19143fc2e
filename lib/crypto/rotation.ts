import type { SecretWriter } from '../secrets/port';
import { addKey, rotateKeyRing, useKey } from './keyring';

export type RotationStep =
  /** One machine: add a key and write with it at once. */
  | { readonly kind: 'at-once' }
  /** A deployment, step 1: every container must learn the new key before anyone writes with it. */
  | { readonly kind: 'add' }
  /** Step 2, once every container has reloaded the ring (5 minutes): write with the new key. */
  | { readonly kind: 'activate'; readonly id: string };

/**
 * Rotates the `token-keys` ring in the given store. Old keys are kept, so every ciphertext
 * written before stays readable; returns the id of the key involved.
 */
export async function rotateTokenKeys(store: SecretWriter, step: RotationStep): Promise<string> {
  const current = await store.get('token-keys', { fresh: true });
  if (current === undefined) throw new Error('There is no token-keys secret to rotate');
  let next: string;
  let id: string;
  if (step.kind === 'activate') {
    next = useKey(current, step.id);
    id = step.id;
  } else if (step.kind === 'add') {
    ({ ring: next, id } = addKey(current));
  } else {
    next = rotateKeyRing(current);
    id = (JSON.parse(next) as { current: string }).current;
  }
  await store.put('token-keys', next);
  return id;
}
