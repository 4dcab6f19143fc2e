import { Logger } from '@aws-lambda-powertools/logger';
import { writeThroughStdio } from './stdio';

/** Powertools Logger writing through stdioConsole() (./stdio.ts), not a Console on process.stdout. */
class HandshakeLogger extends Logger {}
writeThroughStdio(HandshakeLogger, { traceWithoutStack: true });

/**
 * The one structured logger. Log ids and outcomes only: never a token, key, secret iparam or
 * a request body. Errors are logged by name and message, never with their stack.
 */
export const logger = new HandshakeLogger({ serviceName: 'handshake' });

/** What of an error may be logged: its class, code and message — no stack, no cause chain. */
export function describeError(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      errorName: error.name,
      errorMessage: error.message,
      ...(typeof code === 'string' ? { errorCode: code } : {}),
    };
  }
  return { errorName: typeof error };
}
