import type { ClientAuth } from '../app/model';
import type { ClientCredentials } from './client-credentials';

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * Authenticates the client on a token or revocation request, the way the integration says:
 * an Authorization: Basic header, or client_id/client_secret in the form.
 */
export function applyClientAuth(
  method: ClientAuth,
  credentials: ClientCredentials,
  form: URLSearchParams,
  headers: Record<string, string>,
): void {
  if (method === 'client_secret_basic') {
    const pair = `${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    return;
  }
  form.set('client_id', credentials.clientId);
  if (credentials.clientSecret !== '') form.set('client_secret', credentials.clientSecret);
}

/** The parameters under the names the provider wants (`handshake.token_param_names`, TikTok's `client_key`). */
export function renamed(
  params: URLSearchParams,
  names: Readonly<Record<string, string | undefined>>,
): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of params) out.set((Object.hasOwn(names, name) && names[name]) || name, value);
  return out;
}
