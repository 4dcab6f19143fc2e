import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AccountKey } from '../../accounts/record';
import type { Config } from '../../config';
import { describeError, logger } from '../../observability/logger';
import { count } from '../../observability/metrics';
import { encodeRefreshMessage } from './message';
import { MESSAGES_PER_BATCH, type RefreshSender } from './producer';

/**
 * The producer's port on SQS: one SendMessageBatch per batch, to the queue of the batch's
 * integration (`queueUrlOf`, from the deployment's configuration). What the queue refuses —
 * entry by entry, or the whole call — is answered as unsent: those keys stay due, and the next
 * sweep sends them again. An integration without a queue is a deployment mistake, logged.
 * `waiting` is the queue's ApproximateNumberOfMessages (visible, not in flight); a queue that
 * does not answer counts as empty — a key sent twice costs a skipped lease, not a refresh.
 */
export function sqsRefreshSender(
  client: SQSClient,
  queueUrlOf: (integration: string) => string | undefined,
): RefreshSender {
  return {
    waiting: async (integration) => {
      const url = queueUrlOf(integration);
      if (url === undefined) return 0;
      try {
        const answer = await client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        const waiting = Number(answer.Attributes?.ApproximateNumberOfMessages ?? '0');
        return Number.isFinite(waiting) ? waiting : 0;
      } catch (error) {
        logger.warn('the refresh queue did not say what it holds; sending anyway', {
          integration,
          ...describeError(error),
        });
        return 0;
      }
    },
    send: async (integration, keys) => {
      if (keys.length > MESSAGES_PER_BATCH)
        throw new RangeError(`at most ${MESSAGES_PER_BATCH} keys a batch`);
      const url = queueUrlOf(integration);
      if (url === undefined) {
        count('RefreshQueueMissing');
        logger.error('no refresh queue for this integration; its keys stay due', { integration });
        return { failed: keys };
      }
      const entries = keys.map((key, index) => ({
        Id: String(index),
        MessageBody: encodeRefreshMessage(key),
      }));
      try {
        const answer = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed: AccountKey[] = (answer.Failed ?? []).flatMap((entry) => {
          const key = keys[Number(entry.Id)];
          return key === undefined ? [] : [key];
        });
        if (failed.length > 0) {
          count('RefreshSendFailed', failed.length);
          logger.warn('the refresh queue refused keys; they stay due', {
            integration,
            refused: failed.length,
            code: answer.Failed?.[0]?.Code,
          });
        }
        return { failed };
      } catch (error) {
        count('RefreshSendFailed', keys.length);
        logger.warn('sending to the refresh queue failed; the keys stay due', {
          integration,
          ...describeError(error),
        });
        return { failed: keys };
      }
    },
  };
}

/** The SQS client of a container: the local queue's endpoint (and any credentials) on this machine. */
export const createSqsClient = (config: Pick<Config, 'region' | 'sqsEndpoint' | 'local'>): SQSClient =>
  new SQSClient({
    region: config.region,
    ...(config.sqsEndpoint === undefined ? {} : { endpoint: config.sqsEndpoint }),
    ...(config.local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
