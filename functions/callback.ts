import { handleCallback } from '../lib/handshake/callback';
import { presentCallback } from '../lib/handshake/present';
import { httpHandler } from '../lib/http/handler';
import { errorPage } from '../lib/pages/message-page';
import { runtime } from '../lib/runtime';

const { handshake } = runtime();

/** Where the provider sends the person back: `${PUBLIC_URL}/oauth/callback`. */
export const handler = httpHandler(
  {
    'GET /oauth/callback': async (request) =>
      presentCallback(await handleCallback(handshake, request), handshake.app.name),
  },
  { errors: errorPage },
);
