import { SqsError } from './errors';
import { receiveWaiting } from './long-poll';
import { md5OfMessageAttributes } from './md5';
import { attributesSize, parseMessageAttributes, selectAttributes } from './message-attributes';
import {
  type ActionContext,
  type Input,
  optionalInteger,
  queueOf,
  requireString,
  stringList,
} from './params';
import type { Delivery, Queue } from './queue';
import { ACCOUNT_ID } from './queue-attributes';

/** Whether every character is one SQS allows in a body: #x9 #xA #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF. */
function allowedBody(body: string): boolean {
  for (const character of body) {
    const code = character.codePointAt(0) ?? 0;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (!allowed) return false;
  }
  return true;
}

/** Validates one message (a SendMessage, or an entry of a batch) and puts it on the queue. */
export function sendOne(queue: Queue, input: Input) {
  const body = requireString(input, 'MessageBody');
  if (!allowedBody(body))
    throw new SqsError('InvalidMessageContents', 'Invalid binary character in the message body.');
  const delaySeconds = optionalInteger(input, 'DelaySeconds', 0, 900);
  const attributes = parseMessageAttributes(input.MessageAttributes);
  const size = Buffer.byteLength(body) + attributesSize(attributes);
  const max = queue.settings.MaximumMessageSize;
  if (size > max)
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  const message = queue.send({ body, attributes, delaySeconds });
  return {
    MessageId: message.id,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfAttributes === undefined ? {} : { MD5OfMessageAttributes: message.md5OfAttributes }),
  };
}

function sendMessage(context: ActionContext, input: Input) {
  return sendOne(queueOf(context, input), input);
}

function systemAttributes(delivery: Delivery, names: readonly string[]): Record<string, string> | undefined {
  const all = names.includes('All');
  const { message } = delivery;
  const values: Record<string, string | undefined> = {
    SenderId: ACCOUNT_ID,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp:
      message.firstReceivedAt === undefined ? undefined : String(message.firstReceivedAt),
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const picked = Object.entries(values).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && (all || names.includes(entry[0])),
  );
  return picked.length === 0 ? undefined : Object.fromEntries(picked);
}

function formatDelivery(
  delivery: Delivery,
  systemNames: readonly string[],
  attributeNames: readonly string[],
) {
  const { message } = delivery;
  const attributes = systemAttributes(delivery, systemNames);
  const messageAttributes = selectAttributes(message.attributes, attributeNames);
  return {
    MessageId: message.id,
    ReceiptHandle: delivery.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(attributes === undefined ? {} : { Attributes: attributes }),
    ...(messageAttributes === undefined
      ? {}
      : {
          MessageAttributes: messageAttributes,
          MD5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
        }),
  };
}

async function receiveMessage(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const max = optionalInteger(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
  const visibility = optionalInteger(input, 'VisibilityTimeout', 0, 43_200);
  const wait =
    optionalInteger(input, 'WaitTimeSeconds', 0, 20) ?? queue.settings.ReceiveMessageWaitTimeSeconds;
  const systemNames = [
    ...stringList(input, 'AttributeNames'),
    ...stringList(input, 'MessageSystemAttributeNames'),
  ];
  const attributeNames = stringList(input, 'MessageAttributeNames');
  const take = () => context.store.receive(queue, max, visibility);
  const deliveries = await receiveWaiting(queue, take, wait, context.signal);
  if (deliveries.length === 0) return {};
  return { Messages: deliveries.map((delivery) => formatDelivery(delivery, systemNames, attributeNames)) };
}

function deleteMessage(context: ActionContext, input: Input) {
  queueOf(context, input).delete(requireString(input, 'ReceiptHandle'));
  return {};
}

function changeMessageVisibility(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const handle = requireString(input, 'ReceiptHandle');
  if (input.VisibilityTimeout === undefined)
    throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  queue.changeVisibility(handle, input.VisibilityTimeout as number);
  return {};
}

export const messageActions = {
  SendMessage: sendMessage,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  ChangeMessageVisibility: changeMessageVisibility,
};
