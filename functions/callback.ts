import { handleCallback } from '../lib/handshake/callback';
import { presentCallback } from '../lib/handshake/present';
import { httpHandler } from '../lib/http/handler';
import { errorPage } from '../lib/pages/message-page';
import { runtime } from '../lib/runtime';

const rt = runtime();

/** Where the provider sends the person back: `${PUBLIC_URL}/oauth/callback`. */
export const handler = httpHandler(
  {
    'GET /oauth/callback': async (request) =>
      presentCallback(await handleCallback(rt.handshakeFor(request), request), rt.app.name),
  },
  { errors: errorPage },
);
