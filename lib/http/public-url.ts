import type { Config } from '../config';
import type { HttpRequest } from './request';

/**
 * The base URL people and providers reach this deployment on: PUBLIC_URL when set (a custom
 * domain, a tunnel), else — deployed — the domain API Gateway was called on, which API Gateway
 * itself sets (not the caller's Host header). Locally it is always PUBLIC_URL or localhost.
 */
export function publicUrlFor(
  config: Pick<Config, 'publicUrl' | 'publicUrlGiven' | 'local'>,
  request: HttpRequest,
): string {
  if (config.publicUrlGiven || config.local || request.domainName === undefined) return config.publicUrl;
  return `https://${request.domainName}`;
}
