import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { consoleRoutes } from '../lib/console/routes';
import { httpHandler } from '../lib/http/handler';
import { errorPage } from '../lib/pages/message-page';
import { consoleWiring } from '../lib/wiring/console';
import { infrastructure } from '../lib/wiring/infrastructure';

/** The operator's console (docs/console.md): server-rendered pages over the API's own use cases. */
export const handler = httpHandler(consoleRoutes(consoleWiring(infrastructure(config(), getApp()))), {
  maxBodyBytes: 16 * 1024,
  errors: errorPage,
});
