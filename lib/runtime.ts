import { getApp } from './app';
import type { App } from './app/model';
import { type Config, config } from './config';
import { loadCipher } from './crypto';
import type { AuthDeps } from './http/auth';
import { secretSource } from './secrets';
import type { SecretWriter } from './secrets/port';
import { type Stores, stores } from './store';
import { type Vault, vaultFrom } from './tokens/vault';

/** Everything a function needs, wired once per container from the configuration. */
export interface Runtime extends AuthDeps {
  readonly config: Config;
  readonly app: App;
  readonly stores: Stores;
  readonly secrets: SecretWriter;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
}

let shared: Runtime | undefined;

/**
 * Built at cold start: parses the configuration and validates the app (an invalid app fails
 * the container's init loudly, before it serves anything).
 */
export function runtime(): Runtime {
  if (shared === undefined) {
    const cfg = config();
    const all = stores(cfg);
    const secrets = secretSource(cfg);
    shared = {
      config: cfg,
      app: getApp(),
      stores: all,
      installations: all.installations,
      secrets,
      vault: async () => vaultFrom(await loadCipher(secrets)),
      now: () => new Date(),
    };
  }
  return shared;
}
