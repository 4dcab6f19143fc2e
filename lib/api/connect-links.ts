/** The request of POST /installations/{id}/connect-links: its body's schema and typed input. */
import * as v from 'valibot';
import type { ConnectLinkInput } from '../connect/links';
import { type HttpRequest, jsonBody } from '../http/request';
import { jsonObject, parseWith } from '../validation';

const MAX_LINK_SECONDS = 7 * 24 * 3600;

const linkBody = jsonObject({
  integration: v.string(),
  account: v.optional(v.string()),
  returnUrl: v.optional(v.string()),
  /** How long the link stays valid: 1 minute to 7 days. */
  expiresInSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(MAX_LINK_SECONDS))),
});

/** The body is required; which integration, account and returnUrl are allowed is the use case's to say. */
export function connectLinkRequest(request: HttpRequest): ConnectLinkInput {
  return parseWith(linkBody, jsonBody(request, { required: true }) ?? {}, 'connect link');
}
