import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { NotFoundError } from '../errors';
import { describeError, logger } from '../observability/logger';
import { type ApiErrorCode, apiErrorOf } from './error-status';
import { type HttpRequest, parseRequest } from './request';
import { errorResponse, type HttpResult } from './responses';

/** A route gets the Lambda context too: invoke bounds its deadline by the time left. */
export type Route = (request: HttpRequest, context: Context) => Promise<HttpResult>;

export interface HttpHandlerOptions {
  /** Larger bodies are refused with 413 before anything else runs. */
  readonly maxBodyBytes?: number;
  /**
   * How failures are shown: the API's JSON error shape, or (for the pages a person sees) an
   * HTML page with the same status and message.
   */
  readonly errors?: ErrorRenderer;
}

/** Renders a failure; `message` is safe to show (a named error's own, or a generic one). */
export type ErrorRenderer = (
  status: number,
  code: ApiErrorCode,
  message: string,
  details?: unknown,
) => HttpResult;

const DEFAULT_MAX_BODY_BYTES = 100 * 1024;

type Mw = MiddlewareObj<APIGatewayProxyEventV2, HttpResult, Error, Context>;

/**
 * Maps every failure to the API's error shape (./error-status.ts): a named error gets its own
 * status and code; anything else is logged (name and message only) and answered with a
 * generic 500 that carries the request id, so no SDK message or stack trace reaches a caller.
 */
function errorMapping(render: ErrorRenderer): Mw {
  return {
    onError: async (request) => {
      const error = request.error;
      const answer = apiErrorOf(error, request.event.requestContext?.requestId ?? 'unknown');
      if (answer.internal) logger.error('unhandled error', describeError(error));
      else if (answer.status >= 500)
        logger.error('request failed', { ...describeError(error), code: answer.code, status: answer.status });
      else logger.info('request refused', { code: answer.code, status: answer.status });
      request.response = render(answer.status, answer.code, answer.message, answer.details);
    },
  };
}

/**
 * The HTTP wrapper without metrics: a route table keyed by API Gateway route key
 * ("POST /installations"), JSON error mapping, and the structured logger's request context.
 * Only for a function that records no metric (health), so its bundle does not construct
 * Powertools Metrics at init; every other function uses httpHandler (./handler.ts).
 */
export function httpHandlerWithoutMetrics(
  routes: Readonly<Record<string, Route>>,
  options: HttpHandlerOptions = {},
) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const core = async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> => {
    const request = parseRequest(event, { maxBodyBytes });
    logger.appendKeys({ correlationId: request.requestId, route: request.routeKey });
    const route = Object.hasOwn(routes, request.routeKey) ? routes[request.routeKey] : undefined;
    if (route === undefined) {
      throw new NotFoundError('route', `No route ${request.method} ${request.path}`);
    }
    const response = await route(request, context);
    logger.info('request served', { status: response.statusCode });
    return response;
  };
  return middy<APIGatewayProxyEventV2, HttpResult, Error, Context>(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorMapping(options.errors ?? errorResponse));
}
