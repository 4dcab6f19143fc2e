import { NotFoundError } from '../errors';
import type { App, Integration } from './model';

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
