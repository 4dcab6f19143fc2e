import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import { isInstallationId } from '../crypto/keys';
import { listEvents, replayEvent } from '../events/list';
import { apiErrorOf } from '../http/error-status';
import type { Route } from '../http/handler';
import { listInstallations } from '../installations/list';
import { type CredentialField, placeholderCredentials } from '../oauth/client-credentials';
import { html } from '../pages/html';
import { EVENT_STATES, type EventState } from '../store/outbox-ports';
import { appPage } from './app-page';
import { needsAttention } from './attention';
import type { ConsoleDeps } from './deps';
import { eventsPage, replayResultPage } from './events-page';
import { segment } from './format';
import { seeOther } from './guard';
import { doneNotice, given, guarded, idOf, oneOf, type SignedRoute } from './guarded';
import { type InstallationsFilter, installationsPage } from './installations-page';
import { consolePage } from './layout';
import { overviewPage } from './overview-page';

/** Rows per page of the console's listings. */
export const PAGE_SIZE = 25;

const overview =
  (deps: ConsoleDeps): SignedRoute =>
  async (_request, { frame }) => {
    const [view, attention] = await Promise.all([
      deps.readOverview === undefined ? undefined : deps.readOverview(),
      needsAttention(deps.installations),
    ]);
    return consolePage(frame, { title: 'Overview', body: overviewPage(view, attention) });
  };

/**
 * The installations page: an exact id goes to its page (ids are not searched by prefix), else
 * one page of the listing; a filter or cursor the listing refuses is said on the page.
 */
const installations =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { frame }) => {
    const filter: InstallationsFilter = {
      q: given(request, 'q'),
      status: oneOf<ListedStatus>(given(request, 'status'), LISTED_STATUSES),
      integration: given(request, 'integration'),
      cursor: given(request, 'cursor'),
    };
    const show = (page: Parameters<typeof installationsPage>[2], notice?: string, status = 200) =>
      consolePage(frame, {
        status,
        title: 'Installations',
        body: html`${doneNotice(request)}${installationsPage(deps.app, filter, page, notice)}`,
      });
    if (filter.q !== undefined) {
      if (
        isInstallationId(filter.q) &&
        (await deps.installations.installations.get(filter.q)) !== undefined
      ) {
        return seeOther(`/console/installations/${segment(filter.q)}`);
      }
      return show(
        undefined,
        `No installation has the id "${filter.q}" (give the whole id: in_ and 20 characters).`,
        404,
      );
    }
    try {
      return show(
        await listInstallations(deps.installations, {
          status: filter.status,
          integration: filter.integration,
          limit: PAGE_SIZE,
          cursor: filter.cursor,
        }),
      );
    } catch (error) {
      const answer = apiErrorOf(error, request.requestId);
      if (answer.internal || answer.status !== 400) throw error;
      return show(undefined, answer.message, 400);
    }
  };

const events =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { frame }) => {
    const filter = {
      state: oneOf<EventState>(given(request, 'state'), EVENT_STATES),
      cursor: given(request, 'cursor'),
    };
    const page = await listEvents(deps.events, { ...filter, limit: PAGE_SIZE });
    return consolePage(frame, {
      title: 'Events',
      body: eventsPage(frame.csrf, filter, page, deps.webhookConfigured),
    });
  };

async function placeholdersOf(deps: ConsoleDeps): Promise<Map<string, CredentialField[]>> {
  const entries = await Promise.all(
    [...deps.app.integrations.values()].map(
      async (integration) =>
        [integration.name, await placeholderCredentials(deps.secrets, integration)] as const,
    ),
  );
  return new Map(entries);
}

/** The overview, the listings, the events and the app. */
export function pageRoutes(deps: ConsoleDeps): Record<string, Route> {
  return {
    'GET /console': guarded(deps, 'overview', 'GET', overview(deps)),
    'GET /console/installations': guarded(deps, 'installations', 'GET', installations(deps)),
    'GET /console/events': guarded(deps, 'events', 'GET', events(deps)),
    'POST /console/events/{id}/replay': guarded(deps, 'events', 'POST', async (request, { frame }) => {
      const event = await replayEvent(deps.events, idOf(request));
      return consolePage(frame, { title: 'Replayed', body: replayResultPage(event) });
    }),
    'GET /console/app': guarded(deps, 'app', 'GET', async (_request, { frame }) =>
      consolePage(frame, { title: 'App', body: appPage(deps.app, await placeholdersOf(deps)) }),
    ),
  };
}
