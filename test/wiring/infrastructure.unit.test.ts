import { EVENTS_OFF } from '../../lib/accounts/events';
import type { App } from '../../lib/app/model';
import { loadConfig } from '../../lib/config';
import { eventPolicyOf, type Infrastructure, infrastructure } from '../../lib/wiring/infrastructure';
import { invokeDeps } from '../../lib/wiring/invoke';
import { deliveryDeps } from '../../lib/wiring/webhooks';

const local = (env: Record<string, string>) =>
  loadConfig({ HANDSHAKE_LOCAL: '1', HANDSHAKE_DATA_DIR: '/tmp/no-such-handshake-dir', ...env });
// The infrastructure hands the app on, never reads it.
const app = { name: 'Wiring test' } as unknown as App;

const built: Infrastructure[] = [];
const build = (env: Record<string, string>) => {
  const infra = infrastructure(local(env), app);
  built.push(infra);
  return infra;
};
afterAll(async () => {
  for (const infra of built) {
    infra.table.client.destroy();
    await infra.egress.close();
  }
});

describe('infrastructure', () => {
  it('is built from its arguments only: a second config gets its own table and clients', () => {
    // Act
    const one = build({ HANDSHAKE_TABLE: 'handshake-one' });
    const two = build({ HANDSHAKE_TABLE: 'handshake-two' });

    // Assert
    expect(one.table.tableName).toBe('handshake-one');
    expect(two.table.tableName).toBe('handshake-two');
    expect(two.table.client).not.toBe(one.table.client);
    expect(two.egress).not.toBe(one.egress);
    expect(one.refresh.accounts).toBe(one.accounts);
    expect(one.refresh.leaseOwner()).not.toBe(two.refresh.leaseOwner());
  });

  it('turns webhooks off as EVENTS_OFF and keeps the failing threshold either way', () => {
    expect(eventPolicyOf({ webhookUrl: undefined, failingAfterMinutes: 15 })).toEqual(EVENTS_OFF);
    expect(eventPolicyOf({ webhookUrl: undefined, failingAfterMinutes: 5 })).toEqual({
      enabled: false,
      failingAfterMs: 300_000,
    });
    expect(eventPolicyOf({ webhookUrl: 'https://app.example/hooks', failingAfterMinutes: 5 })).toEqual({
      enabled: true,
      failingAfterMs: 300_000,
    });
    expect(build({ HANDSHAKE_WEBHOOK_URL: 'https://app.example/hooks' }).events.enabled).toBe(true);
  });
});

describe('use case factories', () => {
  it('share the infrastructure they are given, and build their own state per call', () => {
    // Prepare
    const infra = build({ HANDSHAKE_TABLE: 'handshake-one', HANDSHAKE_INVOKE_TIMEOUT_SECONDS: '20' });

    // Act
    const first = invokeDeps(infra);
    const second = invokeDeps(infra);
    const delivery = deliveryDeps(infra);

    // Assert
    expect(first.egress).toBe(infra.egress);
    expect(first.settings.timeoutMs).toBe(20_000);
    expect(second.memo).not.toBe(first.memo);
    expect(delivery.egress).toBe(infra.egress);
    expect(delivery.webhookUrl).toBeUndefined();
  });
});
