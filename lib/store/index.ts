import type { Config } from '../config';
import { oncePer } from '../wiring/once-per';
import { tableRef } from './dynamo';
import { dynamoAccountStore } from './dynamo-accounts';
import { dynamoInstallationStore } from './dynamo-installations';
import type { AccountStore, InstallationStore } from './ports';

export interface Stores {
  readonly accounts: AccountStore;
}

/**
 * The DynamoDB-backed stores every function shares, created once at cold start. The others are
 * wired next to the functions that use them, so no other bundle carries their adapter: the
 * installation store below (installations, connect, callback), pending
 * handshakes in lib/handshake/wiring.ts, the refresh index in lib/refresh/wiring.ts, invoke's
 * snapshot reader (BatchGetItem) in lib/invoke/wiring.ts, the outbox in lib/events/wiring.ts.
 */
export const stores = /* @__PURE__ */ oncePer(
  (config: Config): Stores => ({ accounts: dynamoAccountStore(tableRef(config)) }),
);

/**
 * The container's installation store, created at first use. invoke, refresh and deliver never
 * call it (invoke reads installations through its snapshot reader), so it is not in stores().
 */
export const installationStore = /* @__PURE__ */ oncePer(
  (config: Config): InstallationStore => dynamoInstallationStore(tableRef(config)),
);
