import { type Integration, renderTemplate } from '../app';
import type { AuthorizeProtocolParam } from '../app/model';

export interface AuthorizeRequest {
  readonly oauthIparams: Readonly<Record<string, string>>;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string | undefined;
  /** This connection's scope (options.scope and the link's extra scopes), when it differs. */
  readonly scope?: string | undefined;
}

/**
 * Where the person is sent: the authorize URL with the integration's options, then the protocol
 * parameters — under the names the provider wants (`handshake.authorize_param_names`); with
 * `drop_empty_authorize_params`, each parameter that rendered empty is left out.
 */
export function authorizeUrl(integration: Integration, request: AuthorizeRequest): string {
  const url = new URL(renderTemplate(integration.authorizeUrl, { oauth_iparams: request.oauthIparams }));
  const names = integration.settings.authorizeParamNames;
  // The integration's options first, so the protocol parameters below always win.
  for (const [name, value] of Object.entries(integration.options)) url.searchParams.set(name, value);
  if (request.scope !== undefined) url.searchParams.set('scope', request.scope);
  const protocol: [AuthorizeProtocolParam, string][] = [
    ['response_type', 'code'],
    ['client_id', request.clientId],
    ['redirect_uri', request.redirectUri],
    ['state', request.state],
  ];
  if (request.codeChallenge !== undefined) {
    protocol.push(['code_challenge', request.codeChallenge], ['code_challenge_method', 'S256']);
  }
  for (const [name, value] of protocol) url.searchParams.set(names[name] ?? name, value);
  if (integration.settings.dropEmptyAuthorizeParams) {
    for (const name of new Set(url.searchParams.keys())) url.searchParams.delete(name, '');
  }
  return url.href;
}
