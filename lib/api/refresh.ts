/** The request of POST /installations/{id}/integrations/{name}/refresh: path and body to typed input. */
import * as v from 'valibot';
import { type HttpRequest, jsonBody } from '../http/request';
import type { RefreshNowInput } from '../refresh/refresh-now';
import { jsonObject, parseWith } from '../validation';
import { installationIdOf } from './installations';

const refreshBody = jsonObject({ account: v.optional(v.string()) });

export function refreshRequest(request: HttpRequest): RefreshNowInput {
  const body = parseWith(refreshBody, jsonBody(request, { required: false }) ?? {}, 'refresh request');
  return {
    installationId: installationIdOf(request),
    integration: request.pathParameters.name ?? '',
    account: body.account,
  };
}
