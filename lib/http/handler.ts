import { flushMetrics } from '../observability/metrics';
import { type HttpHandlerOptions, httpHandlerWithoutMetrics, type Route } from './handler-without-metrics';

export type { ErrorRenderer, HttpHandlerOptions, Route } from './handler-without-metrics';

/**
 * The one wrapper every HTTP function that records metrics uses: httpHandlerWithoutMetrics,
 * plus the metrics the request recorded published once it is answered or has failed.
 */
export function httpHandler(routes: Readonly<Record<string, Route>>, options: HttpHandlerOptions = {}) {
  return httpHandlerWithoutMetrics(routes, options).use({ after: flushMetrics, onError: flushMetrics });
}
