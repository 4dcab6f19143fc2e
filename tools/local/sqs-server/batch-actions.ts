import { SqsError } from './errors';
import { sendOne } from './message-actions';
import { attributesSize, parseMessageAttributes } from './message-attributes';
import { type ActionContext, type Input, objectList, queueOf, requireString } from './params';

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 262_144;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** The checks SQS makes on a whole batch before it looks at any entry, in its order. */
export function validateBatch(entries: readonly Input[], entryName: string): string[] {
  if (entries.length === 0)
    throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > MAX_ENTRIES)
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`,
    );
  const ids = entries.map((entry) => requireString(entry, 'Id'));
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  const invalid = ids.find((id) => !ENTRY_ID.test(id));
  if (invalid !== undefined)
    throw new SqsError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    );
  return ids;
}

/** An entry's size as SQS counts it toward the batch limit: body and attributes, invalid ones as nothing. */
function entrySize(entry: Input): number {
  const body = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0;
  try {
    return body + attributesSize(parseMessageAttributes(entry.MessageAttributes));
  } catch {
    return body;
  }
}

interface Failed {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** Runs each entry on its own: SQS answers 200 with the entries that worked and those that did not. */
function perEntry<T>(entries: readonly Input[], ids: readonly string[], run: (entry: Input) => T) {
  const Successful: (T & { Id: string })[] = [];
  const Failed: Failed[] = [];
  entries.forEach((entry, index) => {
    const Id = ids[index] ?? '';
    try {
      Successful.push({ Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id, SenderFault: error.status < 500, Code: error.code, Message: error.message });
    }
  });
  return { Successful, Failed };
}

function sendMessageBatch(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const entries = objectList(input, 'Entries');
  const ids = validateBatch(entries, 'SendMessageBatchRequestEntry');
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_BATCH_BYTES)
    throw new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
    );
  return perEntry(entries, ids, (entry) => sendOne(queue, entry));
}

function deleteMessageBatch(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const entries = objectList(input, 'Entries');
  const ids = validateBatch(entries, 'DeleteMessageBatchRequestEntry');
  return perEntry(entries, ids, (entry) => {
    queue.delete(requireString(entry, 'ReceiptHandle'));
    return {};
  });
}

function changeMessageVisibilityBatch(context: ActionContext, input: Input) {
  const queue = queueOf(context, input);
  const entries = objectList(input, 'Entries');
  const ids = validateBatch(entries, 'ChangeMessageVisibilityBatchRequestEntry');
  return perEntry(entries, ids, (entry) => {
    const handle = requireString(entry, 'ReceiptHandle');
    queue.changeVisibility(handle, (entry.VisibilityTimeout ?? 0) as number);
    return {};
  });
}

export const batchActions = {
  SendMessageBatch: sendMessageBatch,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
};
