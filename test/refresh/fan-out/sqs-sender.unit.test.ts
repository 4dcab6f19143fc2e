/**
 * The producer's port on SQS, with the client stubbed: one SendMessageBatch per batch to the
 * integration's queue, each entry one key's message; what SQS refuses (an entry, or the whole
 * call) comes back as unsent, and an integration without a queue sends nothing.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { AccountKey } from '../../../lib/accounts/record';
import { parseRefreshMessage } from '../../../lib/refresh/fan-out/message';
import { sqsRefreshSender } from '../../../lib/refresh/fan-out/sqs-sender';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());

const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/handshake-dev-refresh-hubspot';
const key = (account: string): AccountKey => ({
  installationId: 'in_aaaaaaaaaaaaaaaaaaaa',
  integration: 'hubspot',
  account,
});
const sender = () =>
  sqsRefreshSender(new SQSClient({ region: 'us-east-1' }), (name) => (name === 'hubspot' ? URL : undefined));

describe('the SQS refresh sender', () => {
  it('sends one batch to the integration queue, one message per key, and answers what SQS refused', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    });
    const keys = [key('a'), key('b'), key('c')];
    // Act
    const { failed } = await sender().send('hubspot', keys);
    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(URL);
    expect(input?.Entries?.map((entry) => entry.Id)).toEqual(['0', '1', '2']);
    const bodies = input?.Entries?.map((entry) => parseRefreshMessage(entry.MessageBody ?? '', () => true));
    expect(bodies).toEqual(keys.map((k) => ({ ok: true, key: k })));
    expect(failed).toEqual([key('b')]);
  });

  it('answers every key unsent when the call fails or the integration has no queue', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('socket hang up'));
    expect((await sender().send('hubspot', [key('a'), key('b')])).failed).toHaveLength(2);
    const other = { ...key('x'), integration: 'slack' };
    expect((await sender().send('slack', [other])).failed).toEqual([other]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('refuses more than 10 keys a batch (the producer never sends more)', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => key(`a${i}`));
    await expect(sender().send('hubspot', eleven)).rejects.toThrow('at most 10 keys a batch');
  });

  it('says how many messages wait in the queue, and 0 when the queue does not answer or is missing', async () => {
    sqs.on(GetQueueAttributesCommand).resolvesOnce({ Attributes: { ApproximateNumberOfMessages: '7' } });
    expect(await sender().waiting('hubspot')).toBe(7);
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: URL,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    sqs.on(GetQueueAttributesCommand).rejects(new Error('throttled'));
    expect(await sender().waiting('hubspot')).toBe(0);
    expect(await sender().waiting('slack')).toBe(0);
  });
});
