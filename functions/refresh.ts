import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { logger } from '../lib/observability/logger';
import { metrics } from '../lib/observability/metrics';
import { type RefreshSweepReport, refreshDue } from '../lib/refresh/refresh-due';
import { infrastructure } from '../lib/wiring/infrastructure';
import { sweepDeps } from '../lib/wiring/refresh-sweep';

const { refreshConcurrency } = config();
const deps = sweepDeps(infrastructure(config(), getApp()));

/** Room left at the end for the last refreshes started to finish and for the metrics flush. */
const SAFETY_MS = 5_000;

/** The scheduled sweep (EventBridge): refresh every token whose time has come. */
async function run(_event: ScheduledEvent, context: Context): Promise<RefreshSweepReport> {
  const remaining = context.getRemainingTimeInMillis();
  return refreshDue(deps, {
    concurrency: refreshConcurrency,
    startBefore: Date.now() + remaining - deps.tokenTimeoutMs - SAFETY_MS,
  });
}

export const handler = middy<ScheduledEvent, RefreshSweepReport, Error, Context>(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
