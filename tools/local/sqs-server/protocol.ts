import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { batchActions } from './batch-actions';
import { SqsError } from './errors';
import { messageActions } from './message-actions';
import type { ActionContext, Input } from './params';
import { queueActions } from './queue-actions';

type Action = (context: ActionContext, input: Input) => unknown;

export const ACTIONS: Readonly<Record<string, Action>> = {
  ...queueActions,
  ...messageActions,
  ...batchActions,
};

const TARGET_PREFIX = 'AmazonSQS.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Far above what SQS accepts (a 256 KiB batch): anything bigger is not a client of ours. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

const invalidAction = (what: string): SqsError =>
  new SqsError(
    'InvalidAction',
    `The action or operation requested is invalid. Verify that the action is typed correctly. (${what})`,
  );

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new SqsError('InvalidParameterValue', 'The request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The action and its JSON input, or the error SQS gives for a request it cannot read. */
export async function parseRequest(request: IncomingMessage): Promise<{ action: Action; input: Input }> {
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX))
    throw invalidAction(
      `${request.method ?? ''} ${request.url ?? ''} without X-Amz-Target: ${TARGET_PREFIX}<Action>`,
    );
  const name = target.slice(TARGET_PREFIX.length);
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (action === undefined) throw invalidAction(name);
  const text = await readBody(request);
  let input: unknown;
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new SqsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new SqsError('SerializationException', 'The request body must be a JSON object.');
  return { action, input: input as Input };
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

export function sendAnswer(response: ServerResponse, answer: unknown): void {
  send(response, 200, answer ?? {});
}

/** Any failure as SQS's JSON error; an unexpected one is an InternalFailure without its stack. */
export function sendError(response: ServerResponse, error: unknown): void {
  const sqsError =
    error instanceof SqsError
      ? error
      : new SqsError('InternalFailure', 'The request processing has failed because of an unknown error.');
  send(response, sqsError.status, sqsError.body, { 'x-amzn-query-error': sqsError.queryError });
}
