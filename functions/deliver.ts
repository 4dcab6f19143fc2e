import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { type DeliverySweepReport, deliverDue, deliverInserted } from '../lib/events/deliver-due';
import { logger } from '../lib/observability/logger';
import { flushMetrics } from '../lib/observability/metrics';
import { infrastructure } from '../lib/wiring/infrastructure';
import { deliveryDeps } from '../lib/wiring/webhooks';

const delivery = deliveryDeps(infrastructure(config(), getApp()));

/** Attempts in flight at once: receivers are one app backend, so a few are plenty. */
const CONCURRENCY = 8;
/** Room at the end for the last attempts started to finish (each ends within 10 s). */
const SAFETY_MS = 15_000;

type DeliveryEvent = DynamoDBStreamEvent | ScheduledEvent;

const isStream = (event: DeliveryEvent): event is DynamoDBStreamEvent => 'Records' in event;

/**
 * Delivers auth events to the app's webhook. Two triggers, one core: the table's stream hands
 * over each new event at once; the schedule (every minute; every few seconds under `npm start`)
 * retries what failed or was missed. A receiver's failure is recorded, never thrown: only a
 * storage failure fails the invocation, and then the stream retries it.
 */
async function run(event: DeliveryEvent, context: Context): Promise<DeliverySweepReport> {
  try {
    return await deliver(event, context);
  } finally {
    // Most runs find nothing to send: they publish no empty metrics blob.
    flushMetrics();
  }
}

async function deliver(event: DeliveryEvent, context: Context): Promise<DeliverySweepReport> {
  if (isStream(event)) return deliverInserted(delivery, event, { concurrency: CONCURRENCY });
  return deliverDue(delivery, {
    concurrency: CONCURRENCY,
    startBefore: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS,
  });
}

export const handler = middy<DeliveryEvent, DeliverySweepReport, Error, Context>(run).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
