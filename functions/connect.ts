import { showConnectPage, submitConnectForm } from '../lib/handshake/connect';
import { presentConnect } from '../lib/handshake/present';
import { httpHandler } from '../lib/http/handler';
import { formBody } from '../lib/http/request';
import { errorPage } from '../lib/pages/message-page';
import { runtime } from '../lib/runtime';

const rt = runtime();
const tokenOf = (parameters: Readonly<Record<string, string>>) => parameters.token ?? '';

/** The connect page a person opens from a connect link, and its Authorize form. */
export const handler = httpHandler(
  {
    'GET /connect/{token}': async (request) =>
      presentConnect(await showConnectPage(rt.handshakeFor(request), tokenOf(request.pathParameters))),
    'POST /connect/{token}': async (request) =>
      presentConnect(
        await submitConnectForm(rt.handshakeFor(request), tokenOf(request.pathParameters), formBody(request)),
      ),
  },
  { maxBodyBytes: 16 * 1024, errors: errorPage },
);
