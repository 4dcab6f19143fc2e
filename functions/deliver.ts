import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent, ScheduledEvent } from 'aws-lambda';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { type DeliveryState, deliverEvent } from '../lib/events/deliver';
import { type DeliverySweepReport, deliverDue } from '../lib/events/sweep';
import { logger } from '../lib/observability/logger';
import { flushMetrics } from '../lib/observability/metrics';
import { insertedEventIds } from '../lib/store/dynamo-outbox';
import { infrastructure } from '../lib/wiring/infrastructure';
import { deliveryDeps } from '../lib/wiring/webhooks';

const delivery = deliveryDeps(infrastructure(config(), getApp()));

/** Attempts in flight at once: receivers are one app backend, so a few are plenty. */
const CONCURRENCY = 8;
/** Room at the end for the last attempts started to finish (each ends within 10 s). */
const SAFETY_MS = 15_000;
/** A new event's time is its writer's clock; another container's may be this far behind. */
const CLOCK_SKEW_MS = 5_000;

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
  if (isStream(event)) {
    const report: Record<DeliveryState, number> = { delivered: 0, retry: 0, dead: 0, not_due: 0 };
    const dueBy = delivery.now().getTime() + CLOCK_SKEW_MS;
    await Promise.all(
      insertedEventIds(event).map(async (id) => {
        report[await deliverEvent(delivery, id, dueBy)] += 1;
      }),
    );
    return report;
  }
  return deliverDue(delivery, {
    concurrency: CONCURRENCY,
    startBefore: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS,
  });
}

export const handler = middy<DeliveryEvent, DeliverySweepReport, Error, Context>(run).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
