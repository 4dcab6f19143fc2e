import type { App } from '../app/model';
import type { ConnectDeps } from '../connect/deps';
import type { EventListDeps, ReplayDeps } from '../events/list';
import type { AuthDeps } from '../http/auth';
import type { HttpRequest } from '../http/request';
import type { ListingDeps } from '../installations/list';
import type { OverviewView } from '../overview/view';
import type { RefreshNowDeps } from '../refresh/refresh-now';
import type { SecretSource } from '../secrets/port';
import type { RateLimiter } from '../store/ports';
import type { Vault } from '../tokens/vault';

/**
 * What the console's pages run on: the same use cases' dependencies the API's functions get
 * (lib/wiring/console.ts builds them with the API's own wiring), so a page calls the core
 * in-process — never the API over HTTP.
 */
export interface ConsoleDeps {
  readonly app: App;
  /** GET/DELETE /installations' and the disconnect's, and the admin key's check. */
  readonly installations: ListingDeps & AuthDeps;
  /** The connect links' (its public URL is the request's). */
  readonly connectFor: (request: HttpRequest) => ConnectDeps;
  /** GET /events' and the replay's. */
  readonly events: EventListDeps & ReplayDeps;
  /** Refresh now's. */
  readonly refresh: RefreshNowDeps;
  /** GET /overview's counters; undefined where the deployment has none yet (the attention list only). */
  readonly readOverview: (() => Promise<OverviewView>) | undefined;
  /** Sign-in attempts per client address (lib/store/dynamo-rate-limit.ts dynamoSignInLimiter). */
  readonly signInLimiter: RateLimiter;
  /** Where the client credentials are read, to say which are still placeholders. */
  readonly secrets: SecretSource;
  /** Seals and opens the session cookie. */
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  /** The base URL people reach this deployment on (lib/http/public-url.ts). */
  readonly publicUrlOf: (request: HttpRequest) => string;
  /** Waits before a refused sign-in is answered. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly signIn: SignInPolicy;
  /** Whether a webhook is set (HANDSHAKE_WEBHOOK_URL): without one no event is recorded. */
  readonly webhookConfigured: boolean;
}

/** How hard a wrong admin key is made to guess (docs/console.md). */
export interface SignInPolicy {
  /** Attempts per client address and minute (every attempt counts, right or wrong). */
  readonly perMinute: number;
  /** The wait before a wrong key's answer. */
  readonly failureDelayMs: number;
}

export const SIGN_IN_POLICY: SignInPolicy = { perMinute: 10, failureDelayMs: 1000 };
