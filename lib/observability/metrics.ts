import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { writeThroughStdio } from './stdio';

/** Powertools Metrics printing its EMF lines through stdioConsole() (./stdio.ts), as the logger does. */
class HandshakeMetrics extends Metrics {}
writeThroughStdio(HandshakeMetrics, { traceWithoutStack: false });

/**
 * The one EMF metrics instance (namespace `Handshake`, from POWERTOOLS_METRICS_NAMESPACE in a
 * deployment). Functions flush it with the `logMetrics` middleware or `publishStoredMetrics()`.
 */
export const metrics = new HandshakeMetrics({ namespace: 'Handshake', serviceName: 'handshake' });

export { MetricUnit };

/** Adds `value` to a count metric (several calls in one invocation add up in one EMF blob). */
export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Publishes what this invocation recorded; an invocation that recorded nothing prints nothing. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
