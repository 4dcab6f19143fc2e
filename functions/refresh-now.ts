import { importGrantRequest } from '../lib/api/import-grant';
import { refreshRequest } from '../lib/api/refresh';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { authenticate, authorize } from '../lib/http/auth';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { importGrant } from '../lib/refresh/import-grant';
import { refreshNow } from '../lib/refresh/refresh-now';
import { infrastructure } from '../lib/wiring/infrastructure';
import { refreshNowDeps } from '../lib/wiring/refresh-now';

// A function of its own: the refresh core (token endpoint, lease, account events) is in no
// other HTTP function but invoke, and the installations bundle stays within its size. The
// grant import validates through that core, so it lives here too (docs/DECISIONS.md).
const deps = refreshNowDeps(infrastructure(config(), getApp()));

export const handler = httpHandler({
  'POST /installations/{id}/integrations/{name}/refresh': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await refreshNow(deps, refreshRequest(request)));
  },
  'POST /installations/{id}/integrations/{name}/import': async (request) => {
    authorize(await authenticate(request.headers.authorization, deps), 'admin');
    return json(200, await importGrant(deps, importGrantRequest(request)));
  },
});
