import type { AccountRecord } from '../lib/accounts/record';
import { connectLinkRequest } from '../lib/api/connect-links';
import { createInstallationRequest, installationIdOf } from '../lib/api/installations';
import { sendTestEvent } from '../lib/events/test-event';
import { testEventDeps } from '../lib/events/wiring';
import { createConnectLink } from '../lib/handshake/links';
import { revokeGrants } from '../lib/handshake/revoke';
import { handshakeDeps, handshakeDepsFor } from '../lib/handshake/wiring';
import { authenticate, authorize } from '../lib/http/auth';
import { httpHandler } from '../lib/http/handler';
import { json, noContent } from '../lib/http/responses';
import {
  createInstallation,
  deleteInstallation,
  describeInstallation,
  loadInstallation,
} from '../lib/installations/service';
import { runtime } from '../lib/runtime';
import { installationStore } from '../lib/store';

// The shared runtime plus the installation store, which only some functions wire (lib/store).
const shared = runtime();
const rt = { ...shared, installations: installationStore(shared.config) };
const handshake = handshakeDeps(rt);
const deps = {
  ...rt,
  accounts: rt.stores.accounts,
  revokeGrants: (accounts: readonly AccountRecord[]) => revokeGrants(handshake, accounts),
};
const testEvent = testEventDeps(rt);

export const handler = httpHandler({
  'POST /installations': async (request) => {
    authorize(await authenticate(request.headers.authorization, rt), 'admin');
    const created = await createInstallation(deps, createInstallationRequest(request));
    return json(201, created, { location: `/installations/${created.id}` });
  },
  'GET /installations/{id}': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, rt), 'admin-or-own', id);
    return json(200, await describeInstallation(deps, id));
  },
  'POST /installations/{id}/connect-links': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, rt), 'admin-or-own', id);
    return json(201, await createConnectLink(handshakeDepsFor(rt, request), id, connectLinkRequest(request)));
  },
  'POST /installations/{id}/events/test': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, rt), 'admin');
    const installation = await loadInstallation(deps, id);
    return json(200, await sendTestEvent(testEvent, installation.id));
  },
  'DELETE /installations/{id}': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, rt), 'admin');
    await deleteInstallation(deps, id);
    return noContent();
  },
});
