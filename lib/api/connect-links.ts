/** The request of POST /installations/{id}/connect-links: its body's schema and typed input. */
import * as z from 'zod/mini';
import type { ConnectLinkInput } from '../handshake/links';
import { type HttpRequest, jsonBody } from '../http/request';
import { parseWith } from '../http/validation';

const MAX_LINK_SECONDS = 7 * 24 * 3600;

const linkBody = z.strictObject({
  integration: z.string(),
  account: z.optional(z.string()),
  returnUrl: z.optional(z.string()),
  /** How long the link stays valid: 1 minute to 7 days. */
  expiresInSeconds: z.optional(z.int().check(z.gte(60), z.lte(MAX_LINK_SECONDS))),
});

/** The body is required; which integration, account and returnUrl are allowed is the use case's to say. */
export function connectLinkRequest(request: HttpRequest): ConnectLinkInput {
  return parseWith(linkBody, jsonBody(request, { required: true }) ?? {}, 'connect link');
}
