import { SqsError } from './errors';

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';

export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** The settable attributes of a standard queue, in SQS's units (seconds, bytes). */
export interface QueueSettings {
  readonly VisibilityTimeout: number;
  readonly MessageRetentionPeriod: number;
  readonly ReceiveMessageWaitTimeSeconds: number;
  readonly DelaySeconds: number;
  readonly MaximumMessageSize: number;
  readonly RedrivePolicy?: RedrivePolicy;
}

export const DEFAULT_SETTINGS: QueueSettings = {
  VisibilityTimeout: 30,
  MessageRetentionPeriod: 345_600,
  ReceiveMessageWaitTimeSeconds: 0,
  DelaySeconds: 0,
  MaximumMessageSize: 262_144,
};

const RANGES = {
  VisibilityTimeout: [0, 43_200],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 262_144],
} as const;

type NumericName = keyof typeof RANGES;

/** Attributes SQS knows but this server does not implement: accepted names, refused values. */
const UNSUPPORTED = new Set([
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);
const IGNORED = new Set([
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
]);

const invalidValue = (name: string): SqsError =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);

function parseInteger(name: NumericName, value: string): number {
  const [low, high] = RANGES[name];
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= low && number <= high)) throw invalidValue(name);
  return number;
}

function parseRedrivePolicy(value: string, exists: (arn: string) => boolean): RedrivePolicy | undefined {
  if (value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue('RedrivePolicy');
  }
  const { deadLetterTargetArn, maxReceiveCount } = (parsed ?? {}) as Record<string, unknown>;
  const count = typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof deadLetterTargetArn !== 'string' || typeof count !== 'number' || !Number.isInteger(count))
    throw new SqsError(
      'InvalidParameterValue',
      'Value for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map with deadLetterTargetArn and maxReceiveCount.',
    );
  if (count < 1 || count > 1000)
    throw new SqsError(
      'InvalidParameterValue',
      'Value for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: must be between 1 and 1000.',
    );
  if (!exists(deadLetterTargetArn))
    throw new SqsError(
      'InvalidParameterValue',
      'Value for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.',
    );
  return { deadLetterTargetArn, maxReceiveCount: count };
}

/**
 * Applies an attribute map to settings: unknown names are InvalidAttributeName, out-of-range values
 * InvalidAttributeValue, FIFO attributes UnsupportedOperation (standard queues only).
 */
export function applyAttributes(
  base: QueueSettings,
  attributes: Readonly<Record<string, unknown>>,
  deadLetterQueueExists: (arn: string) => boolean,
): QueueSettings {
  const next: { -readonly [K in keyof QueueSettings]: QueueSettings[K] } = { ...base };
  for (const [name, raw] of Object.entries(attributes)) {
    if (typeof raw !== 'string') throw invalidValue(name);
    if (name in RANGES) next[name as NumericName] = parseInteger(name as NumericName, raw);
    else if (name === 'RedrivePolicy') {
      const policy = parseRedrivePolicy(raw, deadLetterQueueExists);
      if (policy === undefined) delete next.RedrivePolicy;
      else next.RedrivePolicy = policy;
    } else if (UNSUPPORTED.has(name)) {
      if (raw !== 'false') throw fifoUnsupported();
    } else if (!IGNORED.has(name)) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
  }
  return next;
}

export const fifoUnsupported = (): SqsError =>
  new SqsError(
    'UnsupportedOperation',
    'FIFO queues are not supported by this local SQS server (standard queues only).',
  );

/** Two settings are the same for CreateQueue's idempotency check. */
export function sameSettings(a: QueueSettings, b: QueueSettings): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(settings: QueueSettings): unknown[] {
  return [
    settings.VisibilityTimeout,
    settings.MessageRetentionPeriod,
    settings.ReceiveMessageWaitTimeSeconds,
    settings.DelaySeconds,
    settings.MaximumMessageSize,
    settings.RedrivePolicy?.deadLetterTargetArn,
    settings.RedrivePolicy?.maxReceiveCount,
  ];
}
