import type { EventPolicy } from '../accounts/events';
import type { App } from '../app/model';
import type { Egress } from '../egress';
import type { SecretsTarget } from '../oauth/client-credentials';
import type { SecretSource } from '../secrets/port';
import type { AccountStore, InstallationStore, PendingStore } from '../store/ports';
import type { Vault } from '../tokens/vault';

/** What the handshake needs from the outside world; tests hand in their own. */
export interface ConnectDeps {
  readonly app: App;
  /** `${publicUrl}/oauth/callback` is the redirect URI, exactly. */
  readonly publicUrl: string;
  readonly installations: InstallationStore;
  readonly accounts: AccountStore;
  readonly pending: PendingStore;
  readonly secrets: SecretSource;
  /** Where `npm run secrets` stores what `secrets` reads: messages name the command to run. */
  readonly secretsTarget: SecretsTarget;
  readonly vault: () => Promise<Vault>;
  readonly egress: Egress;
  /** Whether plain http to this URL is allowed (the egress allow list). */
  readonly allowsPlainHttp: (url: URL) => boolean;
  readonly tokenTimeoutMs: number;
  readonly now: () => Date;
  /** Which auth events to record for the app's webhook. */
  readonly events: EventPolicy;
}

/** Connect links and states live this long unless the link asks otherwise. */
export const LINK_TTL_SECONDS = 600;
export const STATE_TTL_SECONDS = 600;

export const redirectUri = (deps: Pick<ConnectDeps, 'publicUrl'>): string =>
  `${deps.publicUrl.replace(/\/+$/, '')}/oauth/callback`;
