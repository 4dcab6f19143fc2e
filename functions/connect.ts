import { presentConnect, presentFormRefused } from '../lib/api/connect-pages';
import { getApp } from '../lib/app';
import { getBranding } from '../lib/app/branding';
import { config } from '../lib/config';
import { showConnectPage, submitConnectForm } from '../lib/connect/connect';
import { formBindingFor } from '../lib/connect/form-binding';
import { formPostProblem } from '../lib/connect/form-origin';
import { httpHandler } from '../lib/http/handler';
import { formBody } from '../lib/http/request';
import { errorPage } from '../lib/pages/message-page';
import { connectWiring } from '../lib/wiring/connect';
import { infrastructure } from '../lib/wiring/infrastructure';

const connect = connectWiring(infrastructure(config(), getApp()));
// This function and callback render the person's pages: theirs are the bundles with the logo.
const branding = getBranding();
const tokenOf = (parameters: Readonly<Record<string, string>>) => parameters.token ?? '';

/** The connect page a person opens from a connect link, and its Authorize form. */
export const handler = httpHandler(
  {
    'GET /connect/{token}': async (request) => {
      const deps = connect.forRequest(request);
      const token = tokenOf(request.pathParameters);
      const binding = formBindingFor(request.cookies, token, deps.publicUrl);
      return presentConnect(await showConnectPage(deps, token), binding, branding);
    },
    'POST /connect/{token}': async (request) => {
      const deps = connect.forRequest(request);
      const token = tokenOf(request.pathParameters);
      const form = formBody(request);
      // Before the link is looked up: a forged post reads nothing and stores nothing.
      const refused = formPostProblem(
        { headers: request.headers, cookies: request.cookies, form },
        token,
        deps.publicUrl,
      );
      if (refused !== undefined) return presentFormRefused(refused, deps.app.name, branding);
      const binding = formBindingFor(request.cookies, token, deps.publicUrl);
      return presentConnect(await submitConnectForm(deps, token, form), binding, branding);
    },
  },
  { maxBodyBytes: 16 * 1024, errors: errorPage },
);
