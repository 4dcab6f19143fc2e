import type { AccountRecord } from '../accounts/record';
import type { TestEventDeps } from '../events/test-event';
import type { HandshakeDeps } from '../handshake/deps';
import { revokeGrants } from '../handshake/revoke';
import type { AuthDeps } from '../http/auth';
import type { HttpRequest } from '../http/request';
import type { InstallationDeps } from '../installations/service';
import { handshakeWiring } from './handshake';
import type { Infrastructure } from './infrastructure';
import { testEventDeps } from './webhooks';

/** The installations API: the service, its connect links, revocation and the test event. */
export interface InstallationsWiring {
  readonly deps: InstallationDeps & AuthDeps;
  readonly handshakeFor: (request: HttpRequest) => HandshakeDeps;
  readonly testEvent: TestEventDeps;
}

export function installationsWiring(infra: Infrastructure): InstallationsWiring {
  const handshake = handshakeWiring(infra);
  return {
    // The infrastructure has every other port these need (a spread: the bundle is near its limit).
    deps: {
      ...infra,
      installations: handshake.deps.installations,
      revokeGrants: (accounts: readonly AccountRecord[]) => revokeGrants(handshake.deps, accounts),
    },
    handshakeFor: handshake.forRequest,
    testEvent: testEventDeps(infra),
  };
}
