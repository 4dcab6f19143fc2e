/** The request of POST /installations/{id}/connect-links: its body's schema and typed input. */
import * as v from 'valibot';
import type { ConnectLinkInput } from '../connect/links';
import { type HttpRequest, jsonBody } from '../http/request';
import { jsonObject, jsonRecord, parseWith } from '../validation';

const MAX_LINK_SECONDS = 7 * 24 * 3600;

const linkBody = jsonObject({
  integration: v.string(),
  account: v.optional(v.string()),
  returnUrl: v.optional(v.string()),
  /** How long the link stays valid: 1 minute to 7 days. */
  expiresInSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(MAX_LINK_SECONDS))),
  /** Values the app's backend knows (a store hash, a subdomain): bound to the link, not typed. */
  oauth_iparams: v.optional(jsonRecord(v.string())),
  /** Whether the page leaves the pre-filled fields out instead of showing them read-only. */
  oauthIparamsHidden: v.optional(v.boolean()),
  /** Scopes this one connection asks for on top of the integration's options.scope. */
  scopes: v.optional(v.array(v.string())),
});

/** The body is required; which integration, account and returnUrl are allowed is the use case's to say. */
export function connectLinkRequest(request: HttpRequest): ConnectLinkInput {
  return parseWith(linkBody, jsonBody(request, { required: true }) ?? {}, 'connect link');
}
