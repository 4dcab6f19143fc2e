/**
 * The request of POST /installations: its body's schema and the use case's typed input. The
 * iparams themselves are the app's to judge (config/iparams.json), in the use case.
 */
import * as v from 'valibot';
import { type HttpRequest, jsonBody } from '../http/request';
import type { DisconnectInput } from '../installations/disconnect';
import type { CreateInstallationInput } from '../installations/service';
import { jsonObject, jsonRecord, parseWith } from '../validation';

const createBody = jsonObject({
  iparams: v.optional(jsonRecord(v.unknown())),
});

/** The body may be omitted, or `{}`, when no iparam is required. */
export function createInstallationRequest(request: HttpRequest): CreateInstallationInput {
  const body = parseWith(createBody, jsonBody(request, { required: false }) ?? {}, 'installation');
  return { iparams: body.iparams ?? {} };
}

/** The `{id}` of an /installations/{id}/… route; a malformed id is the use case's 404. */
export const installationIdOf = (request: HttpRequest): string => request.pathParameters.id ?? '';

/**
 * The path of DELETE /installations/{id}/integrations/{name}/accounts/{account}. API Gateway's
 * HTTP API hands path parameters over percent-decoded: they are used as they come.
 */
export const disconnectRequest = (request: HttpRequest): DisconnectInput => ({
  installationId: installationIdOf(request),
  integration: request.pathParameters.name ?? '',
  account: request.pathParameters.account ?? '',
});
