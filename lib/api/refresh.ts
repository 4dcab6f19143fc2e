/** The request of POST /installations/{id}/integrations/{name}/refresh: path and body to typed input. */
import * as z from 'zod/mini';
import { type HttpRequest, jsonBody } from '../http/request';
import { parseWith } from '../http/validation';
import type { RefreshNowInput } from '../refresh/refresh-now';
import { installationIdOf } from './installations';

const refreshBody = z.strictObject({ account: z.optional(z.string()) });

export function refreshRequest(request: HttpRequest): RefreshNowInput {
  const body = parseWith(refreshBody, jsonBody(request, { required: false }) ?? {}, 'refresh request');
  return {
    installationId: installationIdOf(request),
    integration: request.pathParameters.name ?? '',
    account: body.account,
  };
}
