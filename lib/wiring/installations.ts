import type { AccountRecord } from '../accounts/record';
import type { ConnectDeps } from '../connect/deps';
import { revokeGrants } from '../connect/revoke';
import type { EventListDeps, ReplayDeps } from '../events/list';
import type { TestEventDeps } from '../events/test-event';
import type { AuthDeps } from '../http/auth';
import type { HttpRequest } from '../http/request';
import type { ListingDeps } from '../installations/list';
import type { OverviewDeps } from '../overview/overview';
import { dynamoOverviewCounters } from '../store/dynamo-counters';
import { dynamoListing } from '../store/dynamo-listing';
import { dynamoOutbox } from '../store/dynamo-outbox';
import { connectWiring } from './connect';
import type { Infrastructure } from './infrastructure';
import { testEventDeps } from './webhooks';

/** The installations API: the service, its connect links, revocation, the listings and the events. */
export interface InstallationsWiring {
  readonly deps: ListingDeps & AuthDeps;
  readonly connectFor: (request: HttpRequest) => ConnectDeps;
  readonly testEvent: TestEventDeps;
  readonly events: EventListDeps & ReplayDeps;
  readonly overview: OverviewDeps;
}

export function installationsWiring(infra: Infrastructure): InstallationsWiring {
  const connect = connectWiring(infra);
  const listing = dynamoListing(infra.table);
  const testEvent = testEventDeps(infra);
  return {
    // The infrastructure has every other port these need (a spread: the bundle is near its limit).
    deps: {
      ...infra,
      installations: connect.deps.installations,
      listing,
      revokeGrants: (accounts: readonly AccountRecord[]) => revokeGrants(connect.deps, accounts),
    },
    connectFor: connect.forRequest,
    testEvent,
    events: { ...testEvent, outbox: dynamoOutbox(infra.table), listing, vault: infra.vault },
    overview: { app: infra.app, counters: dynamoOverviewCounters(infra.table), now: infra.now },
  };
}
