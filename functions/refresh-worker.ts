import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getApp } from '../lib/app';
import { config } from '../lib/config';
import { logger } from '../lib/observability/logger';
import { metrics } from '../lib/observability/metrics';
import { refreshBatch } from '../lib/refresh/fan-out/worker';
import { infrastructure } from '../lib/wiring/infrastructure';
import { refreshWorkerDeps } from '../lib/wiring/refresh-worker';

const { refresh, sendCounts } = refreshWorkerDeps(infrastructure(config(), getApp()));

/**
 * The fan-out worker (an SQS event source with ReportBatchItemFailures): each message one due
 * key, refreshed through the sweep's core; the messages to deliver again are the batch's failures.
 */
async function run(event: SQSEvent): Promise<SQSBatchResponse> {
  const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
  const report = await refreshBatch(refresh, messages).finally(sendCounts);
  logger.info('refresh batch done', { messages: messages.length, ...report.outcomes });
  return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>(run)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
