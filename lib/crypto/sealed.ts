/**
 * Ciphertext made by lib/tokens/vault.ts, bound to its owner. Its own type so that a plaintext
 * token cannot be handed to a store, or stored in a record, by mistake. It lives here, below
 * every folder that holds one (accounts, installations, pending states, the stores).
 */
export type Sealed = string & { readonly __sealed: unique symbol };
