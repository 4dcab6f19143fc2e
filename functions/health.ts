import { config } from '../lib/config';
import { plainHttpHandler } from '../lib/http/plain-handler';
import { json } from '../lib/http/responses';
import { landingPage } from '../lib/pages/landing-page';

const { version } = config();
// Built once per container: it depends on nothing but the version.
const landing = landingPage(version);

// health records no metric: the plain wrapper keeps Powertools Metrics out of its init.
export const handler = plainHttpHandler({
  'GET /': async () => ({ ...landing, headers: { ...landing.headers } }),
  'GET /health': async () => json(200, { ok: true, version }),
});
