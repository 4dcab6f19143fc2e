import { createEgress, parseAllowList } from '../../lib/egress';
import { HandshakeError } from '../../lib/errors';
import { sendTestEvent } from '../../lib/events/test-event';
import { memorySource } from '../secrets/memory-source';

/** A deployed stage's egress: nothing private, no plain http. */
const egress = createEgress({ allow: parseAllowList([]) });
afterAll(() => egress.close());

const deps = (webhookUrl: string | undefined, secret: string | null = 'signing-secret-0123456789') => ({
  egress,
  secrets: memorySource(secret === null ? {} : { 'webhook-signing': secret }),
  now: () => new Date('2026-11-26T10:00:00Z'),
  userAgent: 'Handshake-Webhooks/test',
  webhookUrl,
});

describe('sendTestEvent', () => {
  it('says webhooks are off, and how to turn them on, when no URL is set', async () => {
    const sent = sendTestEvent(deps(undefined), 'in_abcdefghijklmnopqrst');
    await expect(sent).rejects.toBeInstanceOf(HandshakeError);
    await expect(sent).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('HANDSHAKE_WEBHOOK_URL'),
    });
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', /refused/],
    ['a private address', 'https://10.0.0.8/hook', /refused/],
    ['plain http to a name', 'http://app.example.com/hook', /plain http is not allowed/],
  ])('refuses %s under the egress policy, before any connection', async (_name, url, reason) => {
    const result = await sendTestEvent(deps(url), 'in_abcdefghijklmnopqrst');
    expect(result).toMatchObject({
      delivered: false,
      receiverStatus: null,
      error: expect.stringMatching(reason),
    });
    expect(result.error).not.toContain('/latest/meta-data');
  });

  it('does not send unsigned events when the signing secret is missing', async () => {
    const result = await sendTestEvent(deps('https://app.example.com/hook', null), 'in_abcdefghijklmnopqrst');
    expect(result).toMatchObject({
      delivered: false,
      error: 'the webhook-signing secret is missing or empty',
    });
  });
});
