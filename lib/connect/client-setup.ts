import { type ClientNotConfiguredError, setCredentialsCommand } from '../oauth/client-credentials';
import { logger } from '../observability/logger';
import type { ConnectDeps } from './deps';

/**
 * Tells the operator why a person's connect went nowhere, and what fixes it. The person's page
 * says only that the connection is not set up; the command (never a value) is for the logs.
 */
export function logClientNotConfigured(
  deps: Pick<ConnectDeps, 'secretsTarget'>,
  message: string,
  ids: { readonly installationId: string; readonly integration: string },
  problem: Pick<ClientNotConfiguredError, 'what' | 'reason'>,
): void {
  logger.warn(message, {
    ...ids,
    problem: problem.what,
    ...(problem.reason === 'placeholder'
      ? { fix: setCredentialsCommand(ids.integration, deps.secretsTarget) }
      : {}),
  });
}
