import type { Route } from '../http/handler';
import { createInstallation } from '../installations/service';
import { html } from '../pages/html';
import type { ConsoleDeps } from './deps';
import { segment } from './format';
import { guarded, type SignedRoute } from './guarded';
import {
  EMPTY_FORM,
  fieldErrors,
  formErrorsOf,
  parseInstallationForm,
  renderIparamsForm,
} from './iparams-form';
import { consolePage, type Frame } from './layout';
import { CSRF_FIELD } from './session';

const TITLE = 'New installation';

const formPage = (
  deps: ConsoleDeps,
  frame: Frame,
  state: Parameters<typeof renderIparamsForm>[1],
  status = 200,
) =>
  consolePage(frame, {
    status,
    title: TITLE,
    body: html`<h1>${TITLE}</h1>
<p class="muted">The installation parameters of <code>config/iparams.json</code>, as <code>fdk run</code>'s configuration page asks for them. Secure fields are stored encrypted and never shown again.</p>
${renderIparamsForm(deps.app, state, { [CSRF_FIELD]: frame.csrf })}`,
  });

const showForm =
  (deps: ConsoleDeps): SignedRoute =>
  async (_request, { frame }) =>
    formPage(deps, frame, EMPTY_FORM);

/**
 * Creates the installation by POST /installations' use case; its refusals, and the validator's
 * messages before it, go back to the form next to their fields (422). The installation's key is
 * shown on the answer once: only its hash is stored.
 */
const create =
  (deps: ConsoleDeps): SignedRoute =>
  async (_request, { frame, form }) => {
    const parsed = parseInstallationForm(deps.app, form);
    let errors = { ...parsed.state.errors, ...fieldErrors(deps.app, parsed.input.iparams) };
    if (Object.keys(errors).length === 0) {
      try {
        const created = await createInstallation(deps.installations, parsed.input);
        return consolePage(frame, {
          status: 201,
          title: 'Installation created',
          body: html`<h1>Installation created</h1>
<p>Installation <code id="installation-id" data-testid="installation-id">${created.id}</code> was created.</p>
<p>Its key, for the app's backend (invoke, connect links, app settings). It is shown <strong>only now</strong>: Handshake keeps its hash alone.</p>
<p><code class="link" id="installation-key" data-testid="installation-key">${created.apiKey}</code></p>
<p><a href="/console/installations/${segment(created.id)}" data-testid="to-installation">Open the installation</a></p>`,
        });
      } catch (error) {
        const placed = formErrorsOf(error);
        if (placed === undefined || Object.keys(placed).length === 0) throw error;
        errors = placed;
      }
    }
    return formPage(deps, frame, { ...parsed.state, errors }, 422);
  };

/** GET and POST /console/installations/new: the form generated from the app's iparams. */
export function newInstallationRoutes(deps: ConsoleDeps): Record<string, Route> {
  return {
    'GET /console/installations/new': guarded(deps, 'new', 'GET', showForm(deps)),
    'POST /console/installations/new': guarded(deps, 'new', 'POST', create(deps)),
  };
}
