import { InvalidInputError, NotFoundError } from '../errors';
import { type App, type Integration, isClientGrant } from './model';

/** The app's integration of that name; wherever the name came from, an unknown one is not found. */
export function integrationNamed(deps: { readonly app: App }, name: string): Integration {
  const integration = deps.app.integrations.get(name);
  if (integration === undefined) {
    const known = [...deps.app.integrations.keys()];
    throw new NotFoundError(
      'integration',
      known.length === 0
        ? `Integration "${name}" does not exist: this app has no OAuth integration`
        : `Integration "${name}" does not exist; this app has: ${known.join(', ')}`,
    );
  }
  return integration;
}

/**
 * The integration of a grant a person makes (a connect link) or brings (an import). A
 * client-credentials integration has neither: Handshake fetches its tokens itself.
 */
export function grantedIntegrationNamed(
  deps: { readonly app: App },
  name: string,
  what: 'a connect link' | 'a grant import',
): Integration {
  const integration = integrationNamed(deps, name);
  if (isClientGrant(integration)) {
    throw new InvalidInputError(
      `"${name}" uses the client-credentials grant (token_type "client"): it has no ${what === 'a connect link' ? 'connect page' : 'grant to import'}. Handshake fetches its token at the first invoke (or POST …/integrations/${name}/refresh)`,
    );
  }
  return integration;
}
