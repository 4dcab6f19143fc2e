import { installationIdOf } from '../lib/api/installations';
import { invokeRequest } from '../lib/api/invoke';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { credentialOf } from '../lib/http/auth';
import { fdkRefusalOf } from '../lib/http/error-status';
import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/responses';
import { invoke } from '../lib/invoke/invoke';
import { logger } from '../lib/observability/logger';
import { count, MetricUnit, metrics } from '../lib/observability/metrics';
import { infrastructure } from '../lib/wiring/infrastructure';
import { invokeDeps } from '../lib/wiring/invoke';

const deps = invokeDeps(infrastructure(config(), getApp()));

/** POST /installations/{id}/invoke: run one of the app's request templates. */
export const handler = httpHandler(
  {
    'POST /installations/{id}/invoke': async (request, context) => {
      const id = installationIdOf(request);
      const credential = credentialOf(request.headers.authorization);
      const started = Date.now();
      try {
        const envelope = await invoke(deps, {
          installationId: id,
          credential,
          input: () => invokeRequest(request),
          remainingMs: context.getRemainingTimeInMillis(),
        });
        metrics.addMetric('InvokeLatency', MetricUnit.Milliseconds, Date.now() - started);
        count('InvokeUpstreamAnswered');
        logger.info('invoke', { installationId: id, status: envelope.status, attempts: envelope.attempts });
        return json(200, envelope);
      } catch (caught) {
        // The table (lib/http/error-status.ts) says which failures the envelope answers; the
        // rest (authentication, an unknown installation, an unreadable body) the API's shape.
        const refusal = fdkRefusalOf(caught);
        if (refusal === undefined) throw caught;
        count(`InvokeRefused${refusal.errorSource === 'APP' ? 'App' : 'Platform'}`);
        logger.info('invoke refused', { installationId: id, code: refusal.code, status: refusal.status });
        return json(refusal.status, refusal);
      }
    },
  },
  {
    // The template's own body limit (100 KB, 413 in the envelope) applies inside; this only
    // bounds what a Lambda can receive at all.
    maxBodyBytes: 6 * 1024 * 1024,
  },
);
