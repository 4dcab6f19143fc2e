import { config } from '../lib/config';
import { plainHttpHandler } from '../lib/http/plain-handler';
import { json } from '../lib/http/responses';

const { version } = config();

// health records no metric: the plain wrapper keeps Powertools Metrics out of its init.
export const handler = plainHttpHandler({
  'GET /health': async () => json(200, { ok: true, version }),
});
