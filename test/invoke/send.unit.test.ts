import type { Egress, EgressResponse } from '../../lib/egress';
import { EgressError } from '../../lib/egress';
import { FailedAfterAttempts } from '../../lib/errors';
import { sendWithRetries } from '../../lib/invoke/send';

/* sendWithRetries on a fake clock: it sleeps what the decision says and counts every attempt. */

const REQUEST = { method: 'GET' as const, url: 'https://api.example.com/v1/items', headers: {} };

function scripted(answers: readonly (EgressResponse | EgressError)[]) {
  let clock = Date.parse('2026-12-02T16:00:00.000Z');
  const sleeps: number[] = [];
  let sent = 0;
  const egress: Egress = {
    send: async () => {
      const next = answers[Math.min(sent, answers.length - 1)];
      sent++;
      if (next instanceof EgressError) throw next;
      return next as EgressResponse;
    },
    close: async () => undefined,
  };
  const options = (maxAttempts: number, deadlineInMs = 15_000) => ({
    maxAttempts,
    retryDelayMs: 100,
    rateLimit: undefined,
    deadline: clock + deadlineInMs,
    maxResponseBytes: 1024,
    now: () => clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return { egress, options, sleeps, sent: () => sent };
}

const answer = (status: number, headers: Record<string, string> = {}): EgressResponse => ({
  status,
  headers,
  body: Buffer.alloc(0),
});

describe('sendWithRetries', () => {
  it('sleeps what each answer says, then answers with every attempt counted', async () => {
    const run = scripted([answer(429, { 'retry-after': '2' }), answer(503), answer(200)]);
    const sent = await sendWithRetries(run.egress, REQUEST, run.options(3));
    expect(sent.response.status).toBe(200);
    expect(sent.attempts).toBe(3);
    expect(run.sleeps).toEqual([2000, 100]);
    expect(run.sent()).toBe(3);
  });

  it('returns the 429 as it is, unslept, when its reset is past the deadline', async () => {
    const limited = answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' });
    const run = scripted([limited, answer(200)]);
    const sent = await sendWithRetries(run.egress, REQUEST, run.options(3));
    expect(sent).toEqual({ response: limited, attempts: 1 });
    expect(run.sleeps).toEqual([]);
  });

  it('stops at maxAttempts with the last answer', async () => {
    const run = scripted([answer(429, { 'retry-after': '0' })]);
    const sent = await sendWithRetries(run.egress, REQUEST, run.options(4));
    expect(sent.response.status).toBe(429);
    expect(sent.attempts).toBe(4);
    expect(run.sleeps).toEqual([0, 0, 0]);
  });

  it('does not sleep retryDelay after a network error when no time would be left', async () => {
    const run = scripted([new EgressError('network', 'ECONNRESET', 'reset'), answer(200)]);
    const failure = await sendWithRetries(run.egress, REQUEST, run.options(3, 1_050)).catch((error) => error);
    expect(failure).toBeInstanceOf(FailedAfterAttempts);
    expect((failure as FailedAfterAttempts).attempts).toBe(1);
    expect(run.sleeps).toEqual([]);
  });
});
