import type { Config } from '../config';
import { tableRef } from './dynamo';
import { dynamoAccountStore } from './dynamo-accounts';
import { dynamoInstallationStore } from './dynamo-installations';
import { dynamoPendingStore } from './dynamo-pending';
import { dynamoRefreshIndex } from './dynamo-refresh-index';
import { dynamoSnapshotReader } from './dynamo-snapshot';
import type { AccountStore, InstallationStore, PendingStore, RefreshIndex, SnapshotReader } from './ports';

export interface Stores {
  readonly installations: InstallationStore;
  readonly accounts: AccountStore;
  readonly pending: PendingStore;
  readonly refreshIndex: RefreshIndex;
  readonly snapshots: SnapshotReader;
}

let shared: Stores | undefined;

/** The DynamoDB-backed stores of this container, created once at cold start. */
export function stores(config: Config): Stores {
  if (shared === undefined) {
    const table = tableRef(config);
    shared = {
      installations: dynamoInstallationStore(table),
      accounts: dynamoAccountStore(table),
      pending: dynamoPendingStore(table),
      refreshIndex: dynamoRefreshIndex(table),
      snapshots: dynamoSnapshotReader(table),
    };
  }
  return shared;
}
