import { SqsError } from './errors';
import {
  type ActionContext,
  type Input,
  optionalInteger,
  optionalString,
  queueOf,
  queueUrl,
  requireString,
  stringList,
  stringMap,
} from './params';
import type { Queue } from './queue';

const seconds = (ms: number): string => String(Math.floor(ms / 1000));

/** Every attribute GetQueueAttributes can answer with for a standard queue, computed on demand. */
const ATTRIBUTES: Record<string, (queue: Queue) => string | undefined> = {
  ApproximateNumberOfMessages: (queue) => String(queue.counts().visible),
  ApproximateNumberOfMessagesNotVisible: (queue) => String(queue.counts().inFlight),
  ApproximateNumberOfMessagesDelayed: (queue) => String(queue.counts().delayed),
  CreatedTimestamp: (queue) => seconds(queue.createdAt),
  LastModifiedTimestamp: (queue) => seconds(queue.lastModifiedAt),
  DelaySeconds: (queue) => String(queue.settings.DelaySeconds),
  MaximumMessageSize: (queue) => String(queue.settings.MaximumMessageSize),
  MessageRetentionPeriod: (queue) => String(queue.settings.MessageRetentionPeriod),
  QueueArn: (queue) => queue.arn,
  ReceiveMessageWaitTimeSeconds: (queue) => String(queue.settings.ReceiveMessageWaitTimeSeconds),
  VisibilityTimeout: (queue) => String(queue.settings.VisibilityTimeout),
  RedrivePolicy: (queue) =>
    queue.settings.RedrivePolicy === undefined ? undefined : JSON.stringify(queue.settings.RedrivePolicy),
};

/** Names SQS knows that this server never has a value for (FIFO, SSE, policies): answered by omission. */
const KNOWN_WITHOUT_VALUE = new Set([
  'Policy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
]);

function createQueue(context: ActionContext, input: Input) {
  const name = requireString(input, 'QueueName');
  const queue = context.store.create(name, stringMap(input, 'Attributes'));
  return { QueueUrl: queueUrl(context, queue.name) };
}

function getQueueUrl(context: ActionContext, input: Input) {
  const queue = context.store.get(requireString(input, 'QueueName'));
  return { QueueUrl: queueUrl(context, queue.name) };
}

function listQueues(context: ActionContext, input: Input) {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  const max = optionalInteger(input, 'MaxResults', 1, 1000);
  const token = optionalString(input, 'NextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0)
    throw new SqsError('InvalidParameterValue', 'Invalid NextToken value.');
  const names = context.store.list(prefix).map((queue) => queueUrl(context, queue.name));
  if (max === undefined) return names.length === 0 ? {} : { QueueUrls: names.slice(0, 1000) };
  const page = names.slice(start, start + max);
  const more = start + max < names.length;
  return {
    ...(page.length === 0 ? {} : { QueueUrls: page }),
    ...(more ? { NextToken: Buffer.from(String(start + max), 'utf8').toString('base64url') } : {}),
  };
}

function getQueueAttributes(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const asked = stringList(input, 'AttributeNames');
  const names = asked.includes('All') ? Object.keys(ATTRIBUTES) : asked;
  const attributes: Record<string, string> = {};
  for (const name of names) {
    const read = ATTRIBUTES[name];
    if (read === undefined) {
      if (KNOWN_WITHOUT_VALUE.has(name)) continue;
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const value = read(queue);
    if (value !== undefined) attributes[name] = value;
  }
  return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes };
}

function setQueueAttributes(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const attributes = stringMap(input, 'Attributes');
  if (Object.keys(attributes).length === 0)
    throw new SqsError('MissingParameter', 'The request must contain the parameter Attributes.');
  context.store.setAttributes(queue.name, attributes);
  return {};
}

function deleteQueue(context: ActionContext, input: Input) {
  context.store.delete(queueOf(context, input).name);
  return {};
}

function purgeQueue(context: ActionContext, input: Input) {
  context.store.purge(queueOf(context, input).name);
  return {};
}

export const queueActions = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  DeleteQueue: deleteQueue,
  PurgeQueue: purgeQueue,
};
