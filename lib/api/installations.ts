/**
 * The request of POST /installations: its body's schema and the use case's typed input. The
 * iparams themselves are the app's to judge (config/iparams.json), in the use case.
 */
import * as v from 'valibot';
import { type HttpRequest, jsonBody } from '../http/request';
import type { DisconnectInput } from '../installations/disconnect';
import type { CreateInstallationInput } from '../installations/service';
import { jsonObject, jsonRecord, parseWith } from '../validation';

const appSettings = jsonRecord(v.unknown());

const createBody = jsonObject({
  iparams: v.optional(jsonRecord(v.unknown())),
  current_host: v.optional(jsonObject({ endpoint_urls: jsonRecord(v.string()) })),
  app_settings: v.optional(appSettings),
});

/** The body may be omitted, or `{}`, when no iparam is required. */
export function createInstallationRequest(request: HttpRequest): CreateInstallationInput {
  const body = parseWith(createBody, jsonBody(request, { required: false }) ?? {}, 'installation');
  return {
    iparams: body.iparams ?? {},
    ...(body.current_host === undefined ? {} : { endpointUrls: body.current_host.endpoint_urls }),
    ...(body.app_settings === undefined ? {} : { appSettings: body.app_settings }),
  };
}

/** PUT /installations/{id}/app-settings: the body is the settings object itself. */
export const appSettingsRequest = (request: HttpRequest): Record<string, unknown> =>
  parseWith(appSettings, jsonBody(request, { required: true }), 'app settings');

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
