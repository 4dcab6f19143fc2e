/**
 * The errors SQS answers with in its AWS JSON 1.0 protocol. The SDK reads the error's name from the
 * `x-amzn-query-error` header (`<code>;Sender`) and maps the code to its typed exception through the
 * model's `awsQueryError` trait, so the codes below are the ones that model carries.
 */
export type SqsErrorName =
  | 'BatchEntryIdsNotDistinct'
  | 'BatchRequestTooLong'
  | 'EmptyBatchRequest'
  | 'InternalFailure'
  | 'InvalidAction'
  | 'InvalidAttributeName'
  | 'InvalidAttributeValue'
  | 'InvalidBatchEntryId'
  | 'InvalidMessageContents'
  | 'InvalidParameterValue'
  | 'MessageNotInflight'
  | 'MissingParameter'
  | 'PurgeQueueInProgress'
  | 'QueueDeletedRecently'
  | 'QueueDoesNotExist'
  | 'QueueNameExists'
  | 'ReceiptHandleIsInvalid'
  | 'SerializationException'
  | 'TooManyEntriesInBatchRequest'
  | 'UnsupportedOperation';

interface Wire {
  readonly queryCode: string;
  readonly status: number;
}

const prefixed = (name: string, status = 400): Wire => ({
  queryCode: `AWS.SimpleQueueService.${name}`,
  status,
});
const plain = (name: string, status = 400): Wire => ({ queryCode: name, status });

const WIRE: Record<SqsErrorName, Wire> = {
  BatchEntryIdsNotDistinct: prefixed('BatchEntryIdsNotDistinct'),
  BatchRequestTooLong: prefixed('BatchRequestTooLong'),
  EmptyBatchRequest: prefixed('EmptyBatchRequest'),
  InternalFailure: plain('InternalFailure', 500),
  InvalidAction: plain('InvalidAction'),
  InvalidAttributeName: plain('InvalidAttributeName'),
  InvalidAttributeValue: plain('InvalidAttributeValue'),
  InvalidBatchEntryId: prefixed('InvalidBatchEntryId'),
  InvalidMessageContents: plain('InvalidMessageContents'),
  InvalidParameterValue: plain('InvalidParameterValue'),
  MessageNotInflight: prefixed('MessageNotInflight'),
  MissingParameter: plain('MissingParameter'),
  PurgeQueueInProgress: prefixed('PurgeQueueInProgress', 403),
  QueueDeletedRecently: prefixed('QueueDeletedRecently'),
  QueueDoesNotExist: prefixed('NonExistentQueue'),
  QueueNameExists: plain('QueueAlreadyExists'),
  ReceiptHandleIsInvalid: plain('ReceiptHandleIsInvalid', 404),
  SerializationException: plain('SerializationException'),
  TooManyEntriesInBatchRequest: prefixed('TooManyEntriesInBatchRequest'),
  UnsupportedOperation: prefixed('UnsupportedOperation'),
};

/** An error SQS would answer with; the protocol layer turns it into status, header and JSON body. */
export class SqsError extends Error {
  constructor(
    readonly code: SqsErrorName,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  get status(): number {
    return WIRE[this.code].status;
  }

  /** `x-amzn-query-error`: the Query-protocol code and who is at fault. */
  get queryError(): string {
    return `${WIRE[this.code].queryCode};${this.status >= 500 ? 'Receiver' : 'Sender'}`;
  }

  get body(): { __type: string; message: string } {
    return { __type: `com.amazonaws.sqs#${this.code}`, message: this.message };
  }
}

export const queueDoesNotExist = (): SqsError =>
  new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export const missingParameter = (name: string): SqsError =>
  new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);

export const invalidParameter = (name: string, value: unknown, reason?: string): SqsError =>
  new SqsError(
    'InvalidParameterValue',
    `Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${name} is invalid.${
      reason === undefined ? '' : ` Reason: ${reason}`
    }`,
  );

export const invalidReceiptHandle = (handle: string): SqsError =>
  new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
