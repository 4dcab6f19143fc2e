import { AUTHORIZE_PROTOCOL_PARAMS, TOKEN_PROTOCOL_PARAMS } from '../../../lib/app/model';
import { child, type ProblemSink, type Where } from '../problems';
import type { HandshakeSettingsInput } from '../schemas/handshake';

/*
 * Checks of the provider-quirk settings beyond their shape: what the schema cannot see.
 */

/** Each renamed parameter must land on a name no other parameter of the same request is sent under. */
function checkParamNames(
  key: 'authorize_param_names' | 'token_param_names',
  request: { readonly label: string; readonly params: readonly string[] },
  names: Readonly<Record<string, string | undefined>> | undefined,
  where: Where,
  sink: ProblemSink,
): void {
  const sentAs = new Map<string, string>();
  for (const param of request.params) {
    const renamed = names !== undefined && Object.hasOwn(names, param) ? names[param] : undefined;
    const name = renamed ?? param;
    const other = sentAs.get(name);
    if (other === undefined) {
      sentAs.set(name, param);
      continue;
    }
    sink.error(
      child(where, key, renamed === undefined ? other : param),
      `${key} sends ${other} and ${param} both as "${name}"`,
      `a name no other parameter of the ${request.label} has`,
    );
  }
}

export const checkAuthorizeParamNames = (
  names: HandshakeSettingsInput['authorize_param_names'],
  where: Where,
  sink: ProblemSink,
): void =>
  checkParamNames(
    'authorize_param_names',
    { label: 'authorization request', params: AUTHORIZE_PROTOCOL_PARAMS },
    names,
    where,
    sink,
  );

export const checkTokenParamNames = (
  names: HandshakeSettingsInput['token_param_names'],
  where: Where,
  sink: ProblemSink,
): void =>
  checkParamNames(
    'token_param_names',
    { label: 'token request', params: TOKEN_PROTOCOL_PARAMS },
    names,
    where,
    sink,
  );

/** Callback parameters that already mean something: the code cannot arrive under their names. */
const CALLBACK_PARAMS = ['state', 'error', 'error_description', 'error_uri', 'iss'];

export function checkCodeParam(name: string | undefined, where: Where, sink: ProblemSink): void {
  if (name === undefined || !CALLBACK_PARAMS.includes(name)) return;
  sink.error(
    child(where, 'code_param'),
    `code_param "${name}" is a callback parameter of its own`,
    `any name but ${CALLBACK_PARAMS.join(', ')}`,
  );
}

/**
 * A kept callback parameter is an account fact (`account.realmId`): the code, the state and the
 * protocol's own parameters are not facts, and the code must not be stored.
 */
export function checkCallbackParams(
  names: readonly string[],
  codeParam: string | undefined,
  where: Where,
  sink: ProblemSink,
): void {
  const refused = [...CALLBACK_PARAMS, codeParam ?? 'code'];
  names.forEach((name, index) => {
    if (!refused.includes(name)) return;
    sink.error(
      child(where, 'callback_params', index),
      `callback_params names "${name}", which is not an account fact (the code or a protocol parameter)`,
      `a parameter the provider sends next to the code, e.g. realmId; not ${refused.join(', ')}`,
    );
  });
}
