import { createConnectLink } from '../connect/links';
import { isInstallationId } from '../crypto/keys';
import type { Route } from '../http/handler';
import { disconnectAccount } from '../installations/disconnect';
import { deleteInstallation, describeInstallation, installationNotFound } from '../installations/service';
import { html } from '../pages/html';
import { refreshNow } from '../refresh/refresh-now';
import type { ConsoleDeps } from './deps';
import { segment } from './format';
import { seeOther } from './guard';
import { doneNotice, field, guarded, idOf, type SignedRoute } from './guarded';
import {
  ACTION_FIELDS,
  COPY_SCRIPT,
  connectLinkPage,
  deleteConfirmPage,
  installationPage,
  refreshResultPage,
} from './installation-page';
import { consolePage } from './layout';

const connectLink =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { frame, form }) => {
    const id = idOf(request);
    const link = await createConnectLink(deps.connectFor(request), id, {
      integration: field(form, ACTION_FIELDS.integration) ?? '',
      account: field(form, ACTION_FIELDS.account),
    });
    return consolePage(frame, {
      title: 'Connect link',
      body: connectLinkPage(id, link),
      script: COPY_SCRIPT,
    });
  };

const refresh =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { frame, form }) => {
    const id = idOf(request);
    const integration = field(form, ACTION_FIELDS.integration) ?? '';
    const result = await refreshNow(deps.refresh, {
      installationId: id,
      integration,
      account: field(form, ACTION_FIELDS.account),
    });
    return consolePage(frame, { title: 'Refresh', body: refreshResultPage(id, integration, result) });
  };

const disconnect =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { form }) => {
    const id = idOf(request);
    await disconnectAccount(deps.installations, {
      installationId: id,
      integration: field(form, ACTION_FIELDS.integration) ?? '',
      account: field(form, ACTION_FIELDS.account) ?? '',
    });
    return seeOther(`/console/installations/${segment(id)}?done=disconnected`);
  };

/** The second step of a delete: only the installation's own id, typed, deletes it. */
const remove =
  (deps: ConsoleDeps): SignedRoute =>
  async (request, { frame, form }) => {
    const id = idOf(request);
    if (field(form, ACTION_FIELDS.confirm) !== id) {
      if (!isInstallationId(id)) throw installationNotFound(id);
      return consolePage(frame, {
        status: 400,
        title: 'Delete installation',
        body: deleteConfirmPage(
          frame.csrf,
          id,
          "The id typed is not this installation's: nothing was deleted.",
        ),
      });
    }
    await deleteInstallation(deps.installations, id);
    return seeOther('/console/installations?done=deleted');
  };

/** An installation's page and its actions. */
export function installationRoutes(deps: ConsoleDeps): Record<string, Route> {
  return {
    'GET /console/installations/{id}': guarded(deps, 'installations', 'GET', async (request, { frame }) => {
      const view = await describeInstallation(deps.installations, idOf(request));
      return consolePage(frame, {
        title: view.id,
        body: html`${doneNotice(request)}${installationPage(deps.app, frame.csrf, view)}`,
      });
    }),
    'POST /console/installations/{id}/connect-link': guarded(
      deps,
      'installations',
      'POST',
      connectLink(deps),
    ),
    'POST /console/installations/{id}/refresh': guarded(deps, 'installations', 'POST', refresh(deps)),
    'POST /console/installations/{id}/disconnect': guarded(deps, 'installations', 'POST', disconnect(deps)),
    'GET /console/installations/{id}/delete': guarded(
      deps,
      'installations',
      'GET',
      async (request, { frame }) => {
        const view = await describeInstallation(deps.installations, idOf(request));
        return consolePage(frame, {
          title: 'Delete installation',
          body: deleteConfirmPage(frame.csrf, view.id),
        });
      },
    ),
    'POST /console/installations/{id}/delete': guarded(deps, 'installations', 'POST', remove(deps)),
  };
}
