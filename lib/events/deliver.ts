import type { Egress } from '../egress';
import { EgressError } from '../egress';
import { logger } from '../observability/logger';
import { count } from '../observability/metrics';
import type { SecretSource } from '../secrets/port';
import type { DeliveryResult, Outbox, OutboxEntry } from '../store/outbox-ports';
import { signedHeaders } from './signature';

export interface DeliveryDeps {
  readonly outbox: Outbox;
  readonly egress: Egress;
  readonly secrets: SecretSource;
  /** HANDSHAKE_WEBHOOK_URL; undefined = webhooks are off and nothing is sent. */
  readonly webhookUrl: string | undefined;
  readonly now: () => Date;
  readonly userAgent: string;
}

/** What sends one event; the outbox is only for delivering stored ones. */
export type SenderDeps = Omit<DeliveryDeps, 'outbox'>;

/**
 * The wait after each failed attempt: 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h —
 * ten attempts over about a day, then the event is dead (kept 30 days, alarmed on).
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** One attempt: connect, send, and the receiver's answer. Receivers should answer fast and work later. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claimed attempt is due again after this, should its sender die mid-way. */
const LEASE_MS = ATTEMPT_TIMEOUT_MS + 20_000;
/** The receiver's answer is not used, but read (so the connection can be reused) up to this. */
const MAX_RECEIVER_BODY_BYTES = 1024 * 1024;

export type AttemptOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly error: string };

/** One signed POST of an event body; never throws for the receiver's failures. */
export async function postEvent(
  deps: Omit<SenderDeps, 'webhookUrl'>,
  url: string,
  event: { readonly id: string; readonly type: string; readonly body: string },
): Promise<AttemptOutcome> {
  const secret = await deps.secrets.get('webhook-signing');
  if (secret === undefined || secret === '') {
    return { ok: false, error: 'the webhook-signing secret is missing or empty' };
  }
  try {
    const response = await deps.egress.send({
      url,
      method: 'POST',
      headers: {
        ...signedHeaders(secret, event, event.body, deps.now().getTime()),
        'user-agent': deps.userAgent,
      },
      body: event.body,
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      maxResponseBytes: MAX_RECEIVER_BODY_BYTES,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered HTTP ${response.status}` };
  } catch (error) {
    // An answer too large to read has an unknown status: sending again is the safe side.
    if (error instanceof EgressError) return { ok: false, error: error.message };
    throw error;
  }
}

export type DeliveryState = 'delivered' | 'retry' | 'dead' | 'not_due';

function resultOf(entry: OutboxEntry, outcome: AttemptOutcome, at: number): DeliveryResult {
  const { status } = outcome;
  if (outcome.ok) return { kind: 'delivered', at, status };
  if (entry.attempts >= MAX_ATTEMPTS) return { kind: 'dead', at, status, error: outcome.error };
  const delay = RETRY_DELAYS_MS[entry.attempts - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1] ?? 0;
  return { kind: 'retry', at, status, nextAt: at + delay, error: outcome.error };
}

/**
 * One attempt at one event, if it is due: claim it (so no other sender sends the same
 * attempt), POST it, record the outcome and when to try again.
 * `dueBy` lets the stream trigger claim an event its writer stamped a moment ahead of this clock.
 */
export async function deliverEvent(deps: DeliveryDeps, id: string, dueBy?: number): Promise<DeliveryState> {
  const url = deps.webhookUrl;
  if (url === undefined) return 'not_due';
  const now = deps.now().getTime();
  const entry = await deps.outbox.claim(id, dueBy ?? now, now + LEASE_MS);
  if (entry === undefined) return 'not_due';
  const outcome = await postEvent(deps, url, entry);
  const result = resultOf(entry, outcome, deps.now().getTime());
  // False when this attempt outlived its lease and another sender took over: theirs counts.
  await deps.outbox.settle(id, entry.attempts, result);
  const ids = {
    eventId: entry.id,
    eventType: entry.type,
    installationId: entry.installation,
    attempt: entry.attempts,
  };
  switch (result.kind) {
    case 'delivered':
      count('WebhookDelivered');
      logger.info('webhook event delivered', {
        ...ids,
        receiverStatus: outcome.ok ? outcome.status : undefined,
      });
      return 'delivered';
    case 'retry':
      count('WebhookAttemptFailed');
      logger.warn('webhook delivery failed; will retry', {
        ...ids,
        reason: result.error,
        nextAttemptAt: new Date(result.nextAt).toISOString(),
      });
      return 'retry';
    case 'dead':
      count('WebhookDead');
      logger.error('webhook event undeliverable after every attempt', { ...ids, reason: result.error });
      return 'dead';
  }
}
