import type { HandshakeSettings, RefreshRequest, TokenProtocolParam } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { FACT_NAME, type HandshakeSettingsInput } from '../schemas/handshake';
import { parseFieldMap, restrictRoots } from './template-field';

/*
 * What the token request sends, beyond its shape (issue 18): templated parameters, renamed
 * protocol parameters, a refresh that is not a POSTed refresh_token grant, and the callback
 * parameters kept as account facts under a name a template can read.
 */

/** token_params or refresh_params as templates of oauth_iparams and account; undefined on an error. */
export function readParamTemplates(
  key: 'token_params' | 'refresh_params',
  values: Readonly<Record<string, string>> | undefined,
  where: Where,
  sink: ProblemSink,
): Record<string, Template> | undefined {
  if (values === undefined) return {};
  const at = child(where, key);
  const parsed = parseFieldMap(values, at, sink);
  if (parsed === undefined) return undefined;
  for (const [name, template] of parsed)
    restrictRoots(template, ['oauth_iparams', 'account'], child(at, name), `${key}.${name}`, sink);
  return Object.fromEntries(parsed);
}

/** The token of a custom refresh is sent under token_param, else its own (possibly renamed) name. */
export function toRefreshRequest(
  input: HandshakeSettingsInput['refresh_request'],
  names: Readonly<Partial<Record<TokenProtocolParam, string>>>,
): RefreshRequest | undefined {
  if (input === undefined) return undefined;
  const token = input.token ?? 'refresh_token';
  const tokenParam =
    input.token_param ?? (token === 'refresh_token' ? names.refresh_token : undefined) ?? token;
  return { method: input.method ?? 'POST', grantType: input.grant_type, token, tokenParam };
}

/** `callback_params` read: the parameter names, and the fact name of each renamed one. */
export function readCallbackParams(
  entries: HandshakeSettingsInput['callback_params'],
  where: Where,
  sink: ProblemSink,
): Pick<HandshakeSettings, 'callbackParams' | 'callbackFactNames'> {
  const callbackParams: string[] = [];
  const callbackFactNames: Record<string, string> = {};
  (entries ?? []).forEach((entry, index) => {
    if (typeof entry !== 'string') {
      for (const [param, fact] of Object.entries(entry)) {
        callbackParams.push(param);
        callbackFactNames[param] = fact;
      }
      return;
    }
    callbackParams.push(entry);
    if (FACT_NAME.test(entry)) return;
    sink.warning(
      child(where, 'callback_params', index),
      `callback_params keeps ${describeValue(entry)}, which a template cannot read as account.${entry}`,
      `rename it to a fact name: { ${JSON.stringify(entry)}: ${JSON.stringify(entry.replace(/\W/g, '_'))} }`,
    );
  });
  return { callbackParams, callbackFactNames };
}
