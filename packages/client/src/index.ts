export { type ClientOptions, createClient, type HandshakeClient, type RequestApi } from './client.js';
export { HandshakeApiError, InvokeError } from './errors.js';
export type { Fetch } from './http.js';
export type * from './types.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyOptions,
  verifyWebhook,
  type WebhookHeaders,
} from './webhook.js';
