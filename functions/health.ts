import { config } from '../lib/config';
import { httpHandlerWithoutMetrics } from '../lib/http/handler-without-metrics';
import { json } from '../lib/http/responses';
import { landingPage } from '../lib/pages/landing-page';

const { version } = config();
// Built once per container: it depends on nothing but the version.
const landing = landingPage(version);

// health records no metric: this wrapper keeps Powertools Metrics out of its init.
export const handler = httpHandlerWithoutMetrics({
  'GET /': async () => ({ ...landing, headers: { ...landing.headers } }),
  'GET /health': async () => json(200, { ok: true, version }),
});
