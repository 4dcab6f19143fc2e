import { randomUUID } from 'node:crypto';
import { getApp } from './app';
import type { App } from './app/model';
import { type Config, config } from './config';
import { loadCipher } from './crypto';
import { allowsPlainHttp, createEgress, type Egress, parseAllowList } from './egress';
import type { EventPolicy } from './events/account-events';
import type { HandshakeDeps } from './handshake/deps';
import type { AuthDeps } from './http/auth';
import { publicUrlFor } from './http/public-url';
import type { HttpRequest } from './http/request';
import { secretsTargetOf } from './oauth/client-credentials';
import type { SweepDeps } from './refresh/sweep';
import { secretSource } from './secrets';
import type { SecretWriter } from './secrets/port';
import { type Stores, stores } from './store';
import { type Vault, vaultFrom } from './tokens/vault';

/**
 * What every function shares, wired once per container from the configuration. What only some
 * functions need is wired next to them (lib/invoke/wiring.ts, lib/events/wiring.ts,
 * lib/refresh/wiring.ts), so that no other function's bundle carries it.
 */
export interface Runtime extends AuthDeps {
  readonly config: Config;
  readonly app: App;
  readonly stores: Stores;
  readonly installations: Stores['installations'];
  readonly secrets: SecretWriter;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  /** Every outgoing request goes through it; it pools connections for the container's life. */
  readonly egress: Egress;
  readonly handshake: HandshakeDeps;
  /** The handshake's dependencies with the public URL this request came in on. */
  readonly handshakeFor: (request: HttpRequest) => HandshakeDeps;
  /** The refresh core's and the sweep's dependencies. */
  readonly refresh: SweepDeps;
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
    const refresh: SweepDeps = {
      app,
      accounts: all.accounts,
      index: all.refreshIndex,
      secrets,
      vault,
      egress,
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      now,
      leaseOwner: () => CONTAINER_ID,
      events,
    };
    const handshake: HandshakeDeps = {
      app,
      publicUrl: cfg.publicUrl,
      installations: all.installations,
      accounts: all.accounts,
      pending: all.pending,
      secrets,
      secretsTarget: secretsTargetOf(cfg),
      vault,
      egress,
      allowsPlainHttp: (url) => allowsPlainHttp(allow, url),
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      now,
      events,
    };
    shared = {
      config: cfg,
      app,
      stores: all,
      installations: all.installations,
      secrets,
      vault,
      now,
      egress,
      handshake,
      refresh,
      handshakeFor: (request) => ({ ...handshake, publicUrl: publicUrlFor(cfg, request) }),
      events,
    };
  }
  return shared;
}
