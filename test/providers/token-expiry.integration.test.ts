/**
 * Token lifetimes that are not `expires_in` seconds, through the HTTP API (issue 18, "absolute
 * expires_at is ignored"): one provider answers an absolute `expires_at` — epoch seconds at the
 * handshake, an ISO 8601 date at the refresh — and another `expires_in` in minutes
 * (`handshake.expires_in_unit`). What GET /installations/{id} shows is the provider's expiry.
 */
import { invoke } from '../invoke/support/invoke-api';
import { accountsOf, createInstallation, useHarness } from '../support/harness';
import {
  connectOverApi,
  type ProviderDouble,
  refreshOverApi,
  useProviderDouble,
  writeApp,
} from '../support/provider-double';

const provider = useProviderDouble();

const integration = (double: ProviderDouble, name: string, handshake: Record<string, unknown>) => ({
  client_id: `${name}-client`,
  client_secret: `${name}-secret-Hy3`,
  authorize_url: `${double.origin}/${name}/authorize`,
  token_url: `${double.origin}/${name}/token`,
  token_type: 'account',
  handshake: { allowed_hosts: [double.host], ...handshake },
});

const template = (double: ProviderDouble, oauth: string) => ({
  schema: {
    method: 'GET',
    protocol: 'http',
    host: double.host,
    path: `/${oauth}/api/me`,
    headers: { Authorization: 'Bearer <%= access_token %>' },
  },
  options: { oauth },
});

useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          absolute: integration(provider(), 'absolute', {}),
          minutes: integration(provider(), 'minutes', { expires_in_unit: 'minutes' }),
        },
      },
      requests: { absoluteMe: template(provider(), 'absolute'), minutesMe: template(provider(), 'minutes') },
    }),
  }),
});

const shownExpiry = async (installationId: string, name: string) =>
  Date.parse((await accountsOf(installationId, name))[0]?.expiresAt ?? '');

/** Handshake, refresh, invoke of `name`: the expiry shown after each step, and what the API got. */
async function lifecycle(name: string) {
  const installation = await createInstallation();
  const connected = await connectOverApi(installation.id, { integration: name });
  expect(connected.status).toBe(200);
  const afterHandshake = await shownExpiry(installation.id, name);
  const refreshed = await refreshOverApi(installation.id, name);
  expect(refreshed.status).toBe(200);
  const afterRefresh = await shownExpiry(installation.id, name);
  const { envelope } = await invoke(installation, { template: `${name}Me` });
  return { afterHandshake, afterRefresh, envelope, api: provider().callsTo(`/${name}/api/me`)[0] };
}

describe('token lifetimes', () => {
  it('an absolute expires_at: epoch seconds at the handshake, an ISO date at the refresh', async () => {
    // Prepare: no expires_in in either answer.
    const first = Math.floor(Date.now() / 1000) + 7200;
    const second = new Date(Date.now() + 5 * 3600_000);
    second.setMilliseconds(0);
    provider().answer = (call, count) =>
      call.path === '/absolute/token'
        ? {
            body: {
              access_token: `abs-at-${count}`,
              refresh_token: `abs-rt-${count}`,
              expires_at: count === 1 ? first : second.toISOString(),
            },
          }
        : { body: {} };
    // Act
    const flow = await lifecycle('absolute');
    // Assess: the provider's times, not the 30-minute default.
    expect(flow.afterHandshake).toBe(first * 1000);
    expect(flow.afterRefresh).toBe(second.getTime());
    expect(flow.envelope.status).toBe(200);
    expect(flow.api?.headers.authorization).toBe('Bearer abs-at-2');
  });

  it('expires_in in minutes (expires_in_unit)', async () => {
    // Prepare
    provider().answer = (call, count) =>
      call.path === '/minutes/token'
        ? {
            body: {
              access_token: `min-at-${count}`,
              refresh_token: `min-rt-${count}`,
              expires_in: 60 * count,
            },
          }
        : { body: {} };
    const start = Date.now();
    // Act
    const flow = await lifecycle('minutes');
    // Assess: 60 minutes, then 120, from when each answer arrived.
    expect(flow.afterHandshake - start).toBeGreaterThanOrEqual(3600_000);
    expect(flow.afterHandshake - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(flow.afterRefresh - start).toBeGreaterThanOrEqual(7200_000);
    expect(flow.afterRefresh - Date.now()).toBeLessThanOrEqual(7200_000);
    expect(flow.envelope.status).toBe(200);
    expect(flow.api?.headers.authorization).toBe('Bearer min-at-2');
  });
});
