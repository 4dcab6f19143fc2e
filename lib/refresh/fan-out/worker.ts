import { logger } from '../../observability/logger';
import { count } from '../../observability/metrics';
import type { RefreshDeps, RefreshOutcome } from '../refresh-account';
import { refreshAndReport } from '../report';
import { parseRefreshMessage } from './message';

/** One message of a queue batch, as the worker's handler hands it over (from an SQS record). */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
}

export interface BatchReport {
  /** The messages SQS should deliver again (and, past maxReceiveCount, move to the DLQ). */
  readonly retry: readonly string[];
  readonly outcomes: Readonly<Record<RefreshOutcome['kind'] | 'malformed' | 'crashed', number>>;
}

type Settled = RefreshOutcome['kind'] | 'malformed' | 'crashed';

/**
 * Settles one message. A refresh that happened — refreshed, failed at the provider (the account
 * keeps its tokens and its retry time), dead, or skipped because the lease or the due time says
 * another delivery did it — is done: the message goes. Only what did not get an answer is sent
 * again: a crash (the table throttled, the container's time ran out) or a malformed body,
 * which after maxReceiveCount deliveries rests in the dead-letter queue.
 */
async function settle(deps: RefreshDeps, message: QueueMessage): Promise<Settled> {
  const parsed = parseRefreshMessage(message.body, (name) => deps.app.integrations.has(name));
  if (!parsed.ok) {
    count('RefreshMessageMalformed');
    logger.warn('refresh message refused', { messageId: message.messageId, problem: parsed.problem });
    return 'malformed';
  }
  try {
    const outcome = await refreshAndReport(deps, parsed.key, { kind: 'due', now: deps.now().getTime() });
    return outcome.kind;
  } catch (error) {
    count('RefreshMessageCrashed');
    logger.error('refresh of a queued key crashed; SQS delivers it again', {
      messageId: message.messageId,
      installationId: parsed.key.installationId,
      integration: parsed.key.integration,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return 'crashed';
  }
}

/** One batch of fan-out messages, each refreshed through the sweep's own core, all at once. */
export async function refreshBatch(
  deps: RefreshDeps,
  messages: readonly QueueMessage[],
): Promise<BatchReport> {
  const settled = await Promise.all(messages.map((message) => settle(deps, message)));
  const outcomes: Record<Settled, number> = {
    refreshed: 0,
    failed: 0,
    dead: 0,
    skipped: 0,
    malformed: 0,
    crashed: 0,
  };
  for (const kind of settled) outcomes[kind] += 1;
  const retry = messages
    .filter((_, index) => settled[index] === 'malformed' || settled[index] === 'crashed')
    .map((message) => message.messageId);
  return { retry, outcomes };
}
