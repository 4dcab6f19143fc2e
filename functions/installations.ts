import { connectLinkRequest } from '../lib/api/connect-links';
import {
  appSettingsRequest,
  createInstallationRequest,
  disconnectRequest,
  installationIdOf,
} from '../lib/api/installations';
import { eventIdOf, eventsQuery, installationsQuery } from '../lib/api/listing';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { createConnectLink } from '../lib/connect/links';
import { listEvents, replayEvent } from '../lib/events/list';
import { sendTestEvent } from '../lib/events/test-event';
import { authenticate, authorize } from '../lib/http/auth';
import { httpHandler } from '../lib/http/handler';
import { json, noContent } from '../lib/http/responses';
import { disconnectAccount } from '../lib/installations/disconnect';
import { listInstallations } from '../lib/installations/list';
import {
  createInstallation,
  deleteInstallation,
  describeInstallation,
  loadInstallation,
  replaceAppSettings,
} from '../lib/installations/service';
import { readOverview } from '../lib/overview/overview';
import { infrastructure } from '../lib/wiring/infrastructure';
import { installationsWiring } from '../lib/wiring/installations';

const { deps, connectFor, testEvent, events, overview } = installationsWiring(
  infrastructure(config(), getApp()),
);

export const handler = httpHandler({
  'POST /installations': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    const created = await createInstallation(deps, createInstallationRequest(request));
    return json(201, created, { location: `/installations/${created.id}` });
  },
  'GET /installations': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await listInstallations(deps, installationsQuery(request)));
  },
  'GET /installations/{id}': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, deps), 'admin-or-own', id);
    return json(200, await describeInstallation(deps, id));
  },
  // The app's backend keeps its settings: it holds the installation's key (as it does for invoke).
  'PUT /installations/{id}/app-settings': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, deps), 'admin-or-own', id);
    return json(200, { app_settings: await replaceAppSettings(deps, id, appSettingsRequest(request)) });
  },
  'POST /installations/{id}/connect-links': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, deps), 'admin-or-own', id);
    return json(201, await createConnectLink(connectFor(request), id, connectLinkRequest(request)));
  },
  'POST /installations/{id}/events/test': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    const installation = await loadInstallation(deps, id);
    return json(200, await sendTestEvent(testEvent, installation.id));
  },
  'DELETE /installations/{id}': async (request) => {
    const id = installationIdOf(request);
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    await deleteInstallation(deps, id);
    return noContent();
  },
  'DELETE /installations/{id}/integrations/{name}/accounts/{account}': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    await disconnectAccount(deps, disconnectRequest(request));
    return noContent();
  },
  // The deployment at a glance, from the counters the writes keep (never a scan).
  'GET /overview': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await readOverview(overview));
  },
  // The outbox's webhook deliveries (admin): their state and last answer, and a dead one sent again.
  'GET /events': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await listEvents(events, eventsQuery(request)));
  },
  'POST /events/{id}/replay': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await replayEvent(events, eventIdOf(request)));
  },
});
