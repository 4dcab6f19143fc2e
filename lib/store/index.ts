import type { Config } from '../config';
import { tableRef } from './dynamo';
import { dynamoAccountStore } from './dynamo-accounts';
import { dynamoInstallationStore } from './dynamo-installations';
import { dynamoOutbox } from './dynamo-outbox';
import { dynamoPendingStore } from './dynamo-pending';
import { dynamoRateLimiter } from './dynamo-rate-limit';
import { dynamoRefreshIndex } from './dynamo-refresh-index';
import type {
  AccountStore,
  InstallationStore,
  Outbox,
  PendingStore,
  RateLimiter,
  RefreshIndex,
} from './ports';

export interface Stores {
  readonly installations: InstallationStore;
  readonly accounts: AccountStore;
  readonly pending: PendingStore;
  readonly refreshIndex: RefreshIndex;
  readonly rateLimiter: RateLimiter;
  readonly outbox: Outbox;
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
      rateLimiter: dynamoRateLimiter(table),
      outbox: dynamoOutbox(table),
    };
  }
  return shared;
}
