import type { Route } from '../http/handler';
import type { ConsoleDeps } from './deps';
import { installationRoutes } from './installation-routes';
import { newInstallationRoutes } from './new-installation-routes';
import { pageRoutes } from './page-routes';
import { sessionRoutes } from './session-routes';

/**
 * The console's route table: serverless.yml's `console` function lists the same route keys
 * (test/console/routes.unit.test.ts keeps them in step).
 */
export function consoleRoutes(deps: ConsoleDeps): Record<string, Route> {
  return {
    ...sessionRoutes(deps),
    ...pageRoutes(deps),
    ...newInstallationRoutes(deps),
    ...installationRoutes(deps),
  };
}
