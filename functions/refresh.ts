import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { logger } from '../lib/observability/logger';
import { metrics } from '../lib/observability/metrics';
import { infrastructure } from '../lib/wiring/infrastructure';
import { type SweepReport, scheduledSweep } from '../lib/wiring/refresh-sweep';

const sweep = scheduledSweep(infrastructure(config(), getApp()));

/** Room left at the end for the last refreshes started to finish and for the metrics flush. */
const SAFETY_MS = 5_000;

/**
 * The scheduled sweep (EventBridge): every token whose time has come is sent to its
 * integration's refresh queue (the fan-out, functions/refresh-worker.ts) or refreshed here.
 */
async function run(_event: ScheduledEvent, context: Context): Promise<SweepReport> {
  return sweep(Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS);
}

export const handler = middy<ScheduledEvent, SweepReport, Error, Context>(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
