import type { SenderDeps } from '../events/deliver';
import type { DeliverySweepDeps } from '../events/deliver-due';
import type { TestEventDeps } from '../events/test-event';
import { dynamoDueQueue } from '../store/dynamo-due-queue';
import { dynamoOutbox } from '../store/dynamo-outbox';
import type { Infrastructure } from './infrastructure';

type SenderPorts = Pick<Infrastructure, 'config' | 'egress' | 'secrets' | 'now'>;

/** What signs and POSTs an event to the app's webhook (the test event needs no more). */
const senderDeps = (infra: SenderPorts): SenderDeps => ({
  egress: infra.egress,
  secrets: infra.secrets,
  webhookUrl: infra.config.webhookUrl,
  now: infra.now,
  userAgent: `Handshake-Webhooks/${infra.config.version}`,
});

/** The test event is sent directly, not through the outbox; its refusal names how to turn webhooks on. */
export const testEventDeps = (infra: SenderPorts): TestEventDeps => ({
  ...senderDeps(infra),
  deployedStage: infra.config.local ? undefined : infra.config.stage,
});

/** What delivers the outbox's events to the app's webhook (deliver only). */
export const deliveryDeps = (infra: SenderPorts & Pick<Infrastructure, 'table'>): DeliverySweepDeps => ({
  ...senderDeps(infra),
  outbox: dynamoOutbox(infra.table),
  queue: dynamoDueQueue(infra.table),
});
