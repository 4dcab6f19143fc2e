import { flushMetrics } from '../observability/metrics';
import { type HttpHandlerOptions, plainHttpHandler, type Route } from './plain-handler';

export type { ErrorRenderer, HttpHandlerOptions, Route } from './plain-handler';

/**
 * The one wrapper every HTTP function that records metrics uses: plainHttpHandler, plus the
 * metrics the request recorded published once it is answered or has failed.
 */
export function httpHandler(routes: Readonly<Record<string, Route>>, options: HttpHandlerOptions = {}) {
  return plainHttpHandler(routes, options).use({ after: flushMetrics, onError: flushMetrics });
}
