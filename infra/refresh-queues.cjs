// @ts-check
// The refresh fan-out's part of the template, generated from the app at package time: a queue
// per integration (so one provider's outage or slowness fills only its own queue, drained by its
// own event source mapping with its own concurrency), one dead-letter queue for all of them, the
// alarms, and the statements the sweep's and the worker's roles need on exactly those queues.
// serverless.yml and infra/roles.yml read it through `${file(./infra/refresh-queues.cjs):…}`.
const { createHash } = require('node:crypto');
const { integrationNames } = require('./app-model.cjs');

const SERVICE = 'handshake';
/** The worker's Lambda timeout: a batch of 10 refreshes, each a token call of at most 15 s, at once. */
const WORKER_TIMEOUT_SECONDS = 60;
/**
 * Lambda's guidance: at least six times the function's timeout, so that throttled retries of a
 * batch do not make a message visible while it is still being worked on. It is also far above
 * the refresh lease (token timeout 15 s + margin 30 s) plus the worker timeout: a message seen
 * again always finds the first attempt finished or its lease expired
 * (test/infra/refresh-queues.unit.test.ts checks it against lib/'s constants).
 */
const VISIBILITY_TIMEOUT_SECONDS = 6 * WORKER_TIMEOUT_SECONDS;
/** A message that crashed the worker this often is poison: it moves to the dead-letter queue. */
const MAX_RECEIVE_COUNT = 5;
/**
 * A key is still due in the table when its message is gone, so a message older than an hour is
 * only a copy the next sweep would send again; the dead-letter queue keeps its messages 14 days.
 */
const RETENTION_SECONDS = 3600;
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** SQS's batch limit, and the worker's: one Lambda invocation refreshes up to 10 keys at once. */
const BATCH_SIZE = 10;
/** Lambda instances per integration by default (the event source mapping's MaximumConcurrency). */
const DEFAULT_CONCURRENCY = 5;
const CONCURRENCY = { min: 2, max: 1000 };
/** A queue of an integration whose oldest message is this old has fallen behind: the alarm. */
const BACKLOG_ALARM_SECONDS = 900;
const SQS_NAME_MAX = 80;

/** @typedef {{ readonly name: string, readonly id: string, readonly queueName: string | undefined, readonly concurrency: number }} RefreshQueue */

/** @param {string} name */
const hash8 = (name) => createHash('sha256').update(name).digest('hex').slice(0, 8);
/** @param {string} name */
const pascal = (name) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * CloudFormation ids, stable as integrations come and go: the name in letters and digits, with
 * its hash added only where two names (`a-b`, `a_b`) or none would be left.
 * @param {readonly string[]} names
 * @returns {Map<string, string>}
 */
function logicalIds(names) {
  const plain = names.map(pascal);
  return new Map(
    names.map((name, index) => {
      const id = plain[index] ?? '';
      const clash = id === '' || plain.filter((other) => other === id).length > 1;
      return [name, clash ? `${id}${hash8(name)}` : id];
    }),
  );
}

/**
 * HANDSHAKE_REFRESH_WORKER_CONCURRENCY: `<n>` for every integration, or `<n>,<integration>=<m>,…`.
 * @param {string | undefined} raw
 * @param {readonly string[]} names
 * @returns {(name: string) => number}
 */
function concurrencyOf(raw, names) {
  const variable = 'HANDSHAKE_REFRESH_WORKER_CONCURRENCY';
  const allowed = `"<n>" or "<n>,<integration>=<m>,…" with whole numbers ${CONCURRENCY.min}–${CONCURRENCY.max}`;
  /** @param {string} text @param {string} what */
  const number = (text, what) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < CONCURRENCY.min || value > CONCURRENCY.max)
      throw new Error(
        `${variable}: ${what} must be a whole number ${CONCURRENCY.min}–${CONCURRENCY.max}, got "${text}"`,
      );
    return value;
  };
  const parts = (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  let fallback = DEFAULT_CONCURRENCY;
  /** @type {Map<string, number>} */
  const named = new Map();
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at === -1) {
      fallback = number(part, 'the default');
      continue;
    }
    const name = part.slice(0, at).trim();
    if (!names.includes(name))
      throw new Error(
        `${variable}: "${name}" is not an integration of the app (${names.join(', ') || 'none'}); allowed: ${allowed}`,
      );
    named.set(name, number(part.slice(at + 1).trim(), `"${name}"`));
  }
  return (name) => named.get(name) ?? fallback;
}

/**
 * @param {{ readonly stage: string, readonly names: readonly string[], readonly env: Readonly<Record<string, string | undefined>> }} input
 * @returns {RefreshQueue[]}
 */
function refreshQueues({ stage, names, env }) {
  const ids = logicalIds(names);
  const concurrency = concurrencyOf(env.HANDSHAKE_REFRESH_WORKER_CONCURRENCY, names);
  return names.map((name) => {
    const queueName = `${SERVICE}-${stage}-refresh-${name}`;
    return {
      name,
      id: `RefreshQueue${ids.get(name)}`,
      // Too long a name is left to CloudFormation (stack, id and a suffix); the tag still says whose it is.
      queueName: queueName.length <= SQS_NAME_MAX ? queueName : undefined,
      concurrency: concurrency(name),
    };
  });
}

/** @param {string} id */
const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/**
 * @param {string} stage
 * @param {readonly RefreshQueue[]} queues
 */
function resources(stage, queues) {
  /** @type {Record<string, unknown>} */
  const all = {};
  if (queues.length === 0) return { Resources: all };
  all.RefreshDeadLetterQueue = {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `${SERVICE}-${stage}-refresh-dead-letters`,
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
      SqsManagedSseEnabled: true,
    },
  };
  all.RefreshDeadLetterAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${SERVICE}-${stage}-refresh-dead-letters`,
      AlarmDescription:
        'A refresh message crashed the worker 5 times (or could not be read) and rests in the refresh dead-letter queue',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RefreshDeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    },
  };
  for (const queue of queues) {
    all[queue.id] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        ...(queue.queueName === undefined ? {} : { QueueName: queue.queueName }),
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        MessageRetentionPeriod: RETENTION_SECONDS,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: arnOf('RefreshDeadLetterQueue'),
          maxReceiveCount: MAX_RECEIVE_COUNT,
        },
        Tags: [{ Key: 'handshake:integration', Value: queue.name }],
      },
    };
    all[`${queue.id}BacklogAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${SERVICE}-${stage}-refresh-backlog-${queue.name}`.slice(0, 255),
        AlarmDescription: `Refreshes of ${queue.name} wait over ${BACKLOG_ALARM_SECONDS / 60} minutes in its queue: its provider is slow or failing, or its workers are at their limit (HANDSHAKE_REFRESH_WORKER_CONCURRENCY)`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue.id, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: BACKLOG_ALARM_SECONDS,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      },
    };
  }
  return { Resources: all };
}

/**
 * An IAM statement on the queues; with none (an app without integrations) a statement that
 * grants nothing, so the role's policy stays valid.
 * @param {readonly RefreshQueue[]} queues
 * @param {readonly string[]} actions
 * @param {string} sid
 */
const onQueues = (queues, actions, sid) =>
  queues.length === 0
    ? { Sid: `${sid}None`, Effect: 'Deny', Action: actions, Resource: '*' }
    : { Sid: sid, Effect: 'Allow', Action: actions, Resource: queues.map((queue) => arnOf(queue.id)) };

/**
 * `{"<integration>": "<queue URL>", …}` for the sweep's HANDSHAKE_REFRESH_QUEUES (a queue's Ref is
 * its URL). Fn::Join rather than Fn::Sub: `${…}` would be read as a serverless variable. On this
 * machine (serverless-offline under `npm start`, which sets HANDSHAKE_LOCAL) there is no
 * CloudFormation to resolve a Ref: the local queues' URLs, as infra/local-environment.cjs gives them.
 * @param {readonly RefreshQueue[]} queues
 * @param {Readonly<Record<string, string | undefined>>} env
 */
function queueUrls(queues, env) {
  if (env.HANDSHAKE_LOCAL === '1') return env.HANDSHAKE_REFRESH_QUEUES ?? '{}';
  if (queues.length === 0) return '{}';
  /** @type {unknown[]} */
  const parts = ['{'];
  queues.forEach((queue, index) => {
    parts.push(`${index === 0 ? '' : ','}${JSON.stringify(queue.name)}:"`, { Ref: queue.id }, '"');
  });
  parts.push('}');
  return { 'Fn::Join': ['', parts] };
}

/**
 * Everything the template takes from here, for one stage and app.
 * @param {{ readonly stage: string, readonly names: readonly string[], readonly env: Readonly<Record<string, string | undefined>> }} input
 */
function fanOutTemplate(input) {
  const queues = refreshQueues(input);
  return {
    resources: resources(input.stage, queues),
    workerEvents: queues.map((queue) => ({
      sqs: {
        arn: arnOf(queue.id),
        batchSize: BATCH_SIZE,
        functionResponseType: 'ReportBatchItemFailures',
        maximumConcurrency: queue.concurrency,
      },
    })),
    workerTimeout: WORKER_TIMEOUT_SECONDS,
    queueUrls: queueUrls(queues, input.env),
    // The sweep sends, and asks how many messages wait (it sends nothing onto a backlog).
    producerStatement: onQueues(queues, ['sqs:SendMessage', 'sqs:GetQueueAttributes'], 'RefreshQueuesSend'),
    // What Lambda's event source mapping does with the function's role.
    workerStatement: onQueues(
      queues,
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      'RefreshQueuesReceive',
    ),
  };
}

/**
 * serverless's variable source: called with its resolver for each `${file(…):…}` reference.
 * @param {{ resolveVariable: (address: string) => Promise<unknown> }} serverless
 */
module.exports = async ({ resolveVariable }) =>
  fanOutTemplate({
    stage: String(await resolveVariable('sls:stage')),
    names: integrationNames(),
    env: process.env,
  });

module.exports.fanOutTemplate = fanOutTemplate;
module.exports.VISIBILITY_TIMEOUT_SECONDS = VISIBILITY_TIMEOUT_SECONDS;
module.exports.WORKER_TIMEOUT_SECONDS = WORKER_TIMEOUT_SECONDS;
module.exports.MAX_RECEIVE_COUNT = MAX_RECEIVE_COUNT;
