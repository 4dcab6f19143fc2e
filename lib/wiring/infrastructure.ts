import { randomUUID } from 'node:crypto';
import { EVENTS_OFF, type EventPolicy } from '../accounts/events';
import type { App } from '../app/model';
import type { Config } from '../config';
import { loadCipher } from '../crypto';
import { allowsPlainHttp, createEgress, type Egress, hostValueProblem, parseAllowList } from '../egress';
import type { RefreshDeps } from '../refresh/refresh-account';
import { secretSource } from '../secrets';
import type { SecretWriter } from '../secrets/port';
import { type TableRef, tableRef } from '../store/dynamo';
import { dynamoAccountStore } from '../store/dynamo-accounts';
import type { AccountStore } from '../store/ports';
import { type Vault, vaultFrom } from '../tokens/vault';

/**
 * What the use cases share, built from the configuration and the app alone. A function builds
 * it once, at module top (once per container), and hands it to the factory of its use case
 * (lib/wiring/*.ts): a warm container reuses its clients and pooled connections, and a second
 * call — another config, as tests and the bench make — gets its own.
 */
export interface Infrastructure {
  readonly config: Config;
  readonly app: App;
  /** The table and its one DynamoDB client; each use case builds the adapters it needs on it. */
  readonly table: TableRef;
  readonly accounts: AccountStore;
  readonly secrets: SecretWriter;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  /** Every outgoing request goes through it; it pools connections for the container's life. */
  readonly egress: Egress;
  /** Whether the egress allow list lets this URL go over plain http (local providers). */
  readonly allowsPlainHttp: (url: URL) => boolean;
  /** Why the egress policy would refuse this whole-host value (a `current_host` endpoint), or undefined. */
  readonly hostValueProblem: (host: string) => string | undefined;
  /** How long a token endpoint call may take. */
  readonly tokenTimeoutMs: number;
  /** Which auth events producers record: EVENTS_OFF's `enabled` when no webhook is set. */
  readonly events: EventPolicy;
  /** The refresh core's dependencies (invoke, the sweep and refresh-now each wrap them). */
  readonly refresh: RefreshDeps;
}

/** Token endpoint calls get the platform's request timeout. */
export const TOKEN_TIMEOUT_MS = 15_000;

/**
 * Off is EVENTS_OFF, never a missing field. The failing threshold is kept either way: the
 * failing-episode markers are written on the record whether or not events are sent.
 */
export function eventPolicyOf(config: Pick<Config, 'webhookUrl' | 'failingAfterMinutes'>): EventPolicy {
  const failingAfterMs = config.failingAfterMinutes * 60_000;
  return config.webhookUrl === undefined
    ? { ...EVENTS_OFF, failingAfterMs }
    : { enabled: true, failingAfterMs };
}

export function infrastructure(config: Config, app: App): Infrastructure {
  const table = tableRef(config);
  const accounts = dynamoAccountStore(table);
  const secrets = secretSource(config);
  const allow = parseAllowList(config.egressAllow);
  const egress = createEgress({ allow });
  const vault = async () => vaultFrom(await loadCipher(secrets));
  const now = () => new Date();
  const events = eventPolicyOf(config);
  // Names this container as a lease holder, for diagnosis.
  const owner = `${process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local'}#${randomUUID()}`;
  const refresh: RefreshDeps = {
    app,
    accounts,
    secrets,
    vault,
    egress,
    tokenTimeoutMs: TOKEN_TIMEOUT_MS,
    now,
    leaseOwner: () => owner,
    events,
  };
  return {
    config,
    app,
    table,
    accounts,
    secrets,
    vault,
    now,
    egress,
    allowsPlainHttp: (url) => allowsPlainHttp(allow, url),
    hostValueProblem: (host) => hostValueProblem(host, allow),
    tokenTimeoutMs: TOKEN_TIMEOUT_MS,
    events,
    refresh,
  };
}
