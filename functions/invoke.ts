import { InvalidInputError, isHandshakeError } from '../lib/errors';
import { credentialOf } from '../lib/http/auth';
import { httpHandler } from '../lib/http/handler';
import { jsonBody } from '../lib/http/request';
import { json } from '../lib/http/responses';
import { appError, InvokeError, platformError } from '../lib/invoke/errors';
import { invoke } from '../lib/invoke/invoke';
import { invokeDeps } from '../lib/invoke/wiring';
import { logger } from '../lib/observability/logger';
import { count, MetricUnit, metrics } from '../lib/observability/metrics';
import { runtime } from '../lib/runtime';

const rt = runtime();
const deps = invokeDeps(rt);

/** Handshake's refusal in the FDK envelope: the HTTP status is the envelope's status. */
const refusal = (error: InvokeError) =>
  json(error.status, {
    status: error.status,
    headers: {},
    response: error.message,
    attempts: error.attempts,
    errorSource: error.errorSource,
    code: error.code,
  });

/** POST /installations/{id}/invoke: run one of the app's request templates. */
export const handler = httpHandler(
  {
    'POST /installations/{id}/invoke': async (request, context) => {
      const id = request.pathParameters.id ?? '';
      const credential = credentialOf(request.headers.authorization);
      const started = Date.now();
      try {
        const envelope = await invoke(deps, {
          installationId: id,
          credential,
          input: () => jsonBody(request, { required: true }),
          remainingMs: context.getRemainingTimeInMillis(),
        });
        metrics.addMetric('InvokeLatency', MetricUnit.Milliseconds, Date.now() - started);
        count('InvokeUpstreamAnswered');
        logger.info('invoke', { installationId: id, status: envelope.status, attempts: envelope.attempts });
        return json(200, envelope);
      } catch (caught) {
        // Storage or a secret store down is the platform's failure, a body that breaks the
        // input rules (ill-formed Unicode, too deep) the caller's: say so in the envelope.
        const error =
          isHandshakeError(caught) && caught.status === 503
            ? platformError(503, 'SERVICE_UNAVAILABLE', caught.message)
            : caught instanceof InvalidInputError
              ? appError(400, caught.code, caught.message)
              : caught;
        if (!(error instanceof InvokeError)) throw error;
        count(`InvokeRefused${error.errorSource === 'APP' ? 'App' : 'Platform'}`);
        logger.info('invoke refused', { installationId: id, code: error.code, status: error.status });
        return refusal(error);
      }
    },
  },
  {
    // The template's own body limit (100 KB, 413 in the envelope) applies inside; this only
    // bounds what a Lambda can receive at all.
    maxBodyBytes: 6 * 1024 * 1024,
  },
);
