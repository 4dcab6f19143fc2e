import { createEgress, parseAllowList } from '../../lib/egress';
import { PreconditionFailedError } from '../../lib/errors';
import { sendTestEvent } from '../../lib/events/test-event';
import { memorySource } from '../secrets/memory-source';

/** A deployed stage's egress: nothing private, no plain http. */
const egress = createEgress({ allow: parseAllowList([]) });
afterAll(() => egress.close());

const deps = (
  webhookUrl: string | undefined,
  secret: string | null = 'signing-secret-0123456789',
  deployedStage?: string,
) => ({
  egress,
  secrets: memorySource(secret === null ? {} : { 'webhook-signing': secret }),
  now: () => new Date('2026-11-26T10:00:00Z'),
  userAgent: 'Handshake-Webhooks/test',
  webhookUrl,
  deployedStage,
});

describe('sendTestEvent', () => {
  it.each([
    ['a deployed stage', 'prod', /deploy the stage again .*npm run deploy -- --stage prod/i],
    ['npm start', undefined, /Restart `npm start`.*HANDSHAKE_WEBHOOK_URL=http:\/\/localhost:4000/],
  ])(
    'says webhooks are off, and how to turn them on in %s, when no URL is set',
    async (_where, stage, how) => {
      // Act
      const sent = sendTestEvent(
        deps(undefined, 'signing-secret-0123456789', stage),
        'in_abcdefghijklmnopqrst',
      );
      // Assess
      await expect(sent).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(sent).rejects.toMatchObject({ message: expect.stringMatching(how) });
      await expect(sent).rejects.toMatchObject({ message: expect.stringContaining('HANDSHAKE_WEBHOOK_URL') });
    },
  );

  it('does not tell `npm start` to deploy', async () => {
    const sent = sendTestEvent(deps(undefined, null, undefined), 'in_abcdefghijklmnopqrst');
    await expect(sent).rejects.toMatchObject({ message: expect.not.stringMatching(/deploy/i) });
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
