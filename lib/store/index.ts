import type { Config } from '../config';
import { tableRef } from './dynamo';
import { dynamoAccountStore } from './dynamo-accounts';
import { dynamoInstallationStore } from './dynamo-installations';
import { dynamoPendingStore } from './dynamo-pending';
import { dynamoRefreshIndex } from './dynamo-refresh-index';
import type { AccountStore, InstallationStore, PendingStore, RefreshIndex } from './ports';

export interface Stores {
  readonly installations: InstallationStore;
  readonly accounts: AccountStore;
  readonly pending: PendingStore;
  readonly refreshIndex: RefreshIndex;
}

let shared: Stores | undefined;

/**
 * The DynamoDB-backed stores every function shares, created once at cold start. invoke's
 * snapshot reader is wired in lib/invoke/wiring.ts: only its bundle carries BatchGetItem.
 */
export function stores(config: Config): Stores {
  if (shared === undefined) {
    const table = tableRef(config);
    shared = {
      installations: dynamoInstallationStore(table),
      accounts: dynamoAccountStore(table),
      pending: dynamoPendingStore(table),
      refreshIndex: dynamoRefreshIndex(table),
    };
  }
  return shared;
}
