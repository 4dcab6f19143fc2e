import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoOutbox } from '../store/dynamo-outbox';
import { oncePer } from '../wiring/once-per';
import type { DeliveryDeps, SenderDeps } from './deliver';
import type { TestEventDeps } from './test-event';

/** What signs and POSTs an event to the app's webhook (the test event needs no more). */
export const senderDeps = (rt: Runtime): SenderDeps => ({
  egress: rt.egress,
  secrets: rt.secrets,
  webhookUrl: rt.config.webhookUrl,
  now: rt.now,
  userAgent: `Handshake-Webhooks/${rt.config.version}`,
});

/** The test event is sent directly, not through the outbox; its refusal names how to turn webhooks on. */
export const testEventDeps = (rt: Runtime): TestEventDeps => ({
  ...senderDeps(rt),
  deployedStage: rt.config.local ? undefined : rt.config.stage,
});

/** What delivers the outbox's events to the app's webhook, wired once per runtime. */
export const deliveryDeps = /* @__PURE__ */ oncePer(
  (rt: Runtime): DeliveryDeps => ({ ...senderDeps(rt), outbox: dynamoOutbox(tableRef(rt.config)) }),
);
