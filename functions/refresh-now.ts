import { refreshRequest } from '../lib/api/refresh';
import { authenticate, authorize } from '../lib/http/auth';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { refreshNow } from '../lib/refresh/refresh-now';
import { refresher } from '../lib/refresh/wiring';
import { runtime } from '../lib/runtime';
import { installationStore } from '../lib/store';

// A function of its own: the refresh core (token endpoint, lease, account events) is in no
// other HTTP function but invoke, and the installations bundle stays within its size.
const shared = runtime();
const rt = { ...shared, installations: installationStore(shared.config) };
const deps = { ...rt, refresher: refresher(rt) };

export const handler = httpHandler({
  'POST /installations/{id}/integrations/{name}/refresh': async (request) => {
    authorize(await authenticate(request.headers.authorization, rt), 'admin');
    return json(200, await refreshNow(deps, refreshRequest(request)));
  },
});
