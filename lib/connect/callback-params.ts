import type { HandshakeSettings } from '../app/model';
import type { ParsedTokens } from '../oauth/token-response';

/** Longer values are not kept: an account fact is an id or a host, not a document. */
const MAX_VALUE_LENGTH = 512;

/**
 * The callback parameters the integration keeps (`handshake.callback_params`, QuickBooks'
 * `realmId`), added to the kept fields so they are sealed with the tokens and survive refreshes.
 * A kept token-response field of the same name wins: the provider's answer over the browser's.
 */
export function withCallbackParams(
  settings: Pick<HandshakeSettings, 'callbackParams'>,
  tokens: ParsedTokens,
  query: Readonly<Record<string, string>>,
): ParsedTokens {
  const kept: Record<string, string> = {};
  for (const name of settings.callbackParams) {
    const value = Object.hasOwn(query, name) ? query[name] : undefined;
    if (value !== undefined && value !== '' && value.length <= MAX_VALUE_LENGTH) kept[name] = value;
  }
  return Object.keys(kept).length === 0 ? tokens : { ...tokens, extra: { ...kept, ...tokens.extra } };
}
