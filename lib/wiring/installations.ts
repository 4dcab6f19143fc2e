import type { AccountRecord } from '../accounts/record';
import type { ConnectDeps } from '../connect/deps';
import { revokeGrants } from '../connect/revoke';
import type { TestEventDeps } from '../events/test-event';
import type { AuthDeps } from '../http/auth';
import type { HttpRequest } from '../http/request';
import type { InstallationDeps } from '../installations/service';
import { connectWiring } from './connect';
import type { Infrastructure } from './infrastructure';
import { testEventDeps } from './webhooks';

/** The installations API: the service, its connect links, revocation and the test event. */
export interface InstallationsWiring {
  readonly deps: InstallationDeps & AuthDeps;
  readonly connectFor: (request: HttpRequest) => ConnectDeps;
  readonly testEvent: TestEventDeps;
}

export function installationsWiring(infra: Infrastructure): InstallationsWiring {
  const connect = connectWiring(infra);
  return {
    // The infrastructure has every other port these need (a spread: the bundle is near its limit).
    deps: {
      ...infra,
      installations: connect.deps.installations,
      revokeGrants: (accounts: readonly AccountRecord[]) => revokeGrants(connect.deps, accounts),
    },
    connectFor: connect.forRequest,
    testEvent: testEventDeps(infra),
  };
}
