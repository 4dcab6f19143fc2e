/** Types of verify-webhook.mjs, for TypeScript backends and Handshake's own tests. */
export function verifyHandshakeEvent(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: string | undefined,
  nowSeconds?: number,
): boolean;
