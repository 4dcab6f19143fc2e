/**
 * The payloads of events/ (real API Gateway HTTP API 2.0 events, one per function and case) and
 * the two changes a replay needs: another installation id and another key. `npm run event` and
 * the handler tests both use them, so a payload that drifts from what API Gateway sends breaks
 * a test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const EVENTS_DIR = join(__dirname, '..', '..', 'events');

/** The example admin key that the payloads in events/ carry. */
export const EVENTS_ADMIN_KEY = 'hsa_example-admin-key-for-local-events';

export function loadEvent(name: string, change: (event: APIGatewayProxyEventV2) => void = () => {}) {
  const event = JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as APIGatewayProxyEventV2;
  change(event);
  return event;
}

/** Points an installation-scoped event at another installation id. */
export function forInstallation(id: string) {
  return (event: APIGatewayProxyEventV2) => {
    event.rawPath = event.rawPath.replace(/in_[a-z2-7]+/, id);
    event.requestContext.http.path = event.rawPath;
    event.pathParameters = { ...event.pathParameters, id };
  };
}

export function withAuthorization(value: string | undefined) {
  return (event: APIGatewayProxyEventV2) => {
    if (value === undefined) delete event.headers.authorization;
    else event.headers.authorization = value;
  };
}
