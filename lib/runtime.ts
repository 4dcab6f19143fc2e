import { randomUUID } from 'node:crypto';
import type { EventPolicy } from './accounts/events';
import { getApp } from './app';
import type { App } from './app/model';
import { type Config, config } from './config';
import { loadCipher } from './crypto';
import { allowsPlainHttp, createEgress, type Egress, parseAllowList } from './egress';
import type { RefreshDeps } from './refresh/refresh-account';
import { secretSource } from './secrets';
import type { SecretWriter } from './secrets/port';
import { type Stores, stores } from './store';
import { type Vault, vaultFrom } from './tokens/vault';

/**
 * What every function shares, wired once per container from the configuration. What only some
 * functions need is wired next to them (lib/invoke/wiring.ts, lib/events/wiring.ts,
 * lib/refresh/wiring.ts, lib/handshake/wiring.ts), so that no other function's bundle carries it.
 */
export interface Runtime {
  readonly config: Config;
  readonly app: App;
  readonly stores: Stores;
  readonly secrets: SecretWriter;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  /** Every outgoing request goes through it; it pools connections for the container's life. */
  readonly egress: Egress;
  /** Whether the egress allow list lets this URL go over plain http (local providers). */
  readonly allowsPlainHttp: (url: URL) => boolean;
  /** How long a token endpoint call may take. */
  readonly tokenTimeoutMs: number;
  /** The refresh core's dependencies (the sweep adds its index: lib/refresh/wiring.ts). */
  readonly refresh: RefreshDeps;
  /** Which auth events producers record. */
  readonly events: EventPolicy;
}

/** Token endpoint calls get the platform's request timeout. */
const TOKEN_TIMEOUT_MS = 15_000;

/** Names this container as a lease holder, for diagnosis. */
const CONTAINER_ID = `${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}#${randomUUID()}`;

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
    const allow = parseAllowList(cfg.egressAllow);
    const egress = createEgress({ allow });
    const vault = async () => vaultFrom(await loadCipher(secrets));
    const app = getApp();
    const now = () => new Date();
    const events: EventPolicy = {
      enabled: cfg.webhookUrl !== undefined,
      failingAfterMs: cfg.failingAfterMinutes * 60_000,
    };
    const refresh: RefreshDeps = {
      app,
      accounts: all.accounts,
      secrets,
      vault,
      egress,
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      now,
      leaseOwner: () => CONTAINER_ID,
      events,
    };
    shared = {
      config: cfg,
      app,
      stores: all,
      secrets,
      vault,
      now,
      egress,
      allowsPlainHttp: (url) => allowsPlainHttp(allow, url),
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      refresh,
      events,
    };
  }
  return shared;
}
