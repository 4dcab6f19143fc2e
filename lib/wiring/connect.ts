import type { ConnectDeps } from '../connect/deps';
import { publicUrlFor } from '../http/public-url';
import type { HttpRequest } from '../http/request';
import { secretsTargetOf } from '../oauth/client-credentials';
import { dynamoInstallationStore } from '../store/dynamo-installations';
import { dynamoPendingStore } from '../store/dynamo-pending';
import type { Infrastructure } from './infrastructure';

/** The handshake's dependencies, and the same with the public URL a request came in on. */
export interface ConnectWiring {
  readonly deps: ConnectDeps;
  readonly forRequest: (request: HttpRequest) => ConnectDeps;
}

/**
 * Connect, callback, installations' connect links and revocation. Its own factory: invoke,
 * refresh and deliver never start a handshake, and their bundles leave the pending store out.
 */
export function connectWiring(infra: Infrastructure): ConnectWiring {
  const deps: ConnectDeps = {
    app: infra.app,
    publicUrl: infra.config.publicUrl,
    installations: dynamoInstallationStore(infra.table),
    accounts: infra.accounts,
    pending: dynamoPendingStore(infra.table),
    secrets: infra.secrets,
    secretsTarget: secretsTargetOf(infra.config),
    vault: infra.vault,
    egress: infra.egress,
    allowsPlainHttp: infra.allowsPlainHttp,
    tokenTimeoutMs: infra.tokenTimeoutMs,
    now: infra.now,
    events: infra.events,
  };
  return { deps, forRequest: (request) => ({ ...deps, publicUrl: publicUrlFor(infra.config, request) }) };
}
