import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoOutbox } from '../store/dynamo-outbox';
import type { DeliveryDeps } from './deliver';

let shared: DeliveryDeps | undefined;

/** What sends auth events to the app's webhook, wired once per container. */
export function deliveryDeps(rt: Runtime): DeliveryDeps {
  shared ??= {
    outbox: dynamoOutbox(tableRef(rt.config)),
    egress: rt.egress,
    secrets: rt.secrets,
    webhookUrl: rt.config.webhookUrl,
    now: rt.now,
    userAgent: `Handshake-Webhooks/${rt.config.version}`,
  };
  return shared;
}
