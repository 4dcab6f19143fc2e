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
  settings: Pick<HandshakeSettings, 'callbackParams' | 'callbackFactNames'>,
  tokens: ParsedTokens,
  query: Readonly<Record<string, string>>,
): ParsedTokens {
  const kept = callbackFacts(settings, query);
  return Object.keys(kept).length === 0 ? tokens : { ...tokens, extra: { ...kept, ...tokens.extra } };
}

/** The kept callback parameters, each under its fact name (`callback_params` may rename one). */
export function callbackFacts(
  settings: Pick<HandshakeSettings, 'callbackParams' | 'callbackFactNames'>,
  query: Readonly<Record<string, string>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of settings.callbackParams) {
    const value = Object.hasOwn(query, name) ? query[name] : undefined;
    const fact = Object.hasOwn(settings.callbackFactNames, name) ? settings.callbackFactNames[name] : name;
    if (value !== undefined && value !== '' && value.length <= MAX_VALUE_LENGTH) kept[fact ?? name] = value;
  }
  return kept;
}
