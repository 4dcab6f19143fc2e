import type { Egress, EgressRequest, EgressResponse } from '../../lib/egress';
import { EgressError } from '../../lib/egress';
import { type DeliveryDeps, deliverEvent, MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../lib/events/deliver';
import type { DeliveryResult, Outbox, OutboxEntry } from '../../lib/store/outbox-ports';
import { memorySource } from '../secrets/memory-source';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');

/** One event in memory, with the claim/settle rules of the DynamoDB adapter. */
function memoryOutbox(entry: OutboxEntry) {
  let current = entry;
  const settled: DeliveryResult[] = [];
  const outbox: Outbox = {
    insertedIds: () => [current.id],
    async get() {
      return current;
    },
    async claim(_id, now, leaseUntil) {
      if (current.state !== 'pending' || (current.dueAt ?? 0) > now) return undefined;
      current = { ...current, attempts: current.attempts + 1, dueAt: leaseUntil };
      return current;
    },
    async settle(_id, attempt, result) {
      if (current.attempts !== attempt) return false;
      settled.push(result);
      current = {
        ...current,
        state: result.kind === 'retry' ? 'pending' : result.kind,
        dueAt: result.kind === 'retry' ? result.nextAt : undefined,
      };
      return true;
    },
  };
  return { outbox, settled, current: () => current };
}

function egressAnswering(answer: (request: EgressRequest) => EgressResponse | Error) {
  const sent: EgressRequest[] = [];
  const egress: Egress = {
    async send(request) {
      sent.push(request);
      const result = answer(request);
      if (result instanceof Error) throw result;
      return result;
    },
    async close() {},
  };
  return { egress, sent };
}

const respond = (status: number): EgressResponse => ({ status, headers: {}, body: Buffer.alloc(0) });

function setup(attempts: number, answer: (request: EgressRequest) => EgressResponse | Error) {
  const memory = memoryOutbox({
    id: 'evt_abcdefghijklmnopqrstuvwxyz',
    type: 'account.authorized',
    installation: 'in_abcdefghijklmnopqrst',
    body: '{"id":"evt_abcdefghijklmnopqrstuvwxyz"}',
    state: 'pending',
    attempts,
    createdAt: new Date(NOW).toISOString(),
    dueAt: NOW,
  });
  const http = egressAnswering(answer);
  const deps: DeliveryDeps = {
    outbox: memory.outbox,
    egress: http.egress,
    secrets: memorySource({ 'webhook-signing': 'signing-secret' }),
    webhookUrl: 'https://app.example.com/hooks',
    now: () => new Date(NOW),
    userAgent: 'Handshake-Webhooks/test',
  };
  return { deps, ...memory, sent: http.sent };
}

describe('deliverEvent', () => {
  it('POSTs the stored body, signed, to the webhook URL, and records the delivery', async () => {
    const { deps, sent, current } = setup(0, () => respond(204));
    expect(await deliverEvent(deps, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe('delivered');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: 'https://app.example.com/hooks',
      method: 'POST',
      body: '{"id":"evt_abcdefghijklmnopqrstuvwxyz"}',
      timeoutMs: 10_000,
    });
    expect(sent[0]?.headers?.['handshake-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(current().state).toBe('delivered');
  });

  it.each([
    ['a 500', () => respond(500), 'the receiver answered HTTP 500', 500],
    ['a redirect (not followed)', () => respond(302), 'the receiver answered HTTP 302', 302],
    [
      'a timeout',
      () => new EgressError('timeout', 'timeout', 'Egress to https://app.example.com:443 timed out'),
      /timed out/,
      undefined,
    ],
  ])('retries after %s, at the backoff of its attempt number', async (_name, answer, error, status) => {
    const { deps, settled } = setup(2, answer);
    expect(await deliverEvent(deps, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe('retry');
    expect(settled).toEqual([
      {
        kind: 'retry',
        at: NOW,
        nextAt: NOW + (RETRY_DELAYS_MS[2] ?? 0),
        error: expect.stringMatching(error),
        // The receiver's status is kept as its last answer; a timeout has none.
        status,
      },
    ]);
  });

  it('gives up after the last attempt', async () => {
    const { deps, settled, current } = setup(MAX_ATTEMPTS - 1, () => respond(503));
    expect(await deliverEvent(deps, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe('dead');
    expect(settled).toEqual([
      { kind: 'dead', at: NOW, status: 503, error: 'the receiver answered HTTP 503' },
    ]);
    expect(current()).toMatchObject({ state: 'dead', attempts: MAX_ATTEMPTS });
  });

  it('retries when the answer is too large to read (its status is unknown)', async () => {
    const { deps } = setup(0, () => new EgressError('response_too_large', 'size', 'too large'));
    expect(await deliverEvent(deps, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe('retry');
  });

  it('sends nothing when the event is not due, or webhooks are off', async () => {
    const notDue = setup(0, () => respond(204));
    await notDue.outbox.claim('evt_abcdefghijklmnopqrstuvwxyz', NOW, NOW + 30_000);
    expect(await deliverEvent(notDue.deps, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe('not_due');
    expect(notDue.sent).toEqual([]);
    const off = setup(0, () => respond(204));
    expect(await deliverEvent({ ...off.deps, webhookUrl: undefined }, 'evt_abcdefghijklmnopqrstuvwxyz')).toBe(
      'not_due',
    );
    expect(off.sent).toEqual([]);
  });
});
