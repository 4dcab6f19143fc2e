import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiErrorCode } from './error-status';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): HttpResult {
  return { statusCode: 204, headers: { ...COMMON_HEADERS } };
}

/** The one error body shape of the API: `{ error: { code, message, details? } }`. */
export function errorResponse(
  status: number,
  code: ApiErrorCode,
  message: string,
  details?: unknown,
): HttpResult {
  return json(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}
