import { presentCallback } from '../lib/api/connect-pages';
import { getApp } from '../lib/app';
import { getBranding } from '../lib/app/branding';
import { config } from '../lib/config';
import { type CallbackResult, handleCallback } from '../lib/connect/callback';
import { httpHandler } from '../lib/http/handler';
import { logger } from '../lib/observability/logger';
import { count } from '../lib/observability/metrics';
import { errorPage } from '../lib/pages/message-page';
import { connectWiring } from '../lib/wiring/connect';
import { infrastructure } from '../lib/wiring/infrastructure';

const app = getApp();
const branding = getBranding();
const connect = connectWiring(infrastructure(config(), app));

/** Handshake outcomes as metrics and one log line: ids and codes, never a token. */
function report(result: CallbackResult): CallbackResult {
  if (result.kind === 'state_problem') {
    count('HandshakeRefused');
    logger.info('callback refused', { reason: result.problem });
  } else {
    count(result.success ? 'HandshakeSucceeded' : 'HandshakeFailed');
    logger.info('handshake finished', {
      installationId: result.installationId,
      integration: result.integration.name,
      account: result.account,
      outcome: result.success ? 'authorized' : 'failed',
      ...(result.error === undefined ? {} : { providerError: result.error }),
    });
  }
  return result;
}

/** Where the provider sends the person back: `${PUBLIC_URL}/oauth/callback`. */
export const handler = httpHandler(
  {
    'GET /oauth/callback': async (request) =>
      presentCallback(report(await handleCallback(connect.forRequest(request), request)), app.name, branding),
  },
  { errors: errorPage },
);
