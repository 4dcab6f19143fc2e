/**
 * What an installation carries besides iparams, through the HTTP API against a real upstream:
 * `current_host.endpoint_urls` as a template's whole host and `app_settings` substituted (then
 * replaced by PUT), and config/iparams.json's regex and `{ label, value }` options enforced
 * when the installation is created.
 */
import { ADMIN, bearer, useHarness, world } from '../support/harness';
import { invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });
const upstream = useUpstream();

const api = (path: string, method: string, key: string, body?: unknown) =>
  fetch(`${world.api.url}${path}`, {
    method,
    headers: bearer(key),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

interface Created {
  readonly id: string;
  readonly apiKey: string;
  readonly iparams: Record<string, unknown>;
  readonly error: { readonly code: string; readonly message: string };
}

async function create(body: unknown) {
  const response = await api('/installations', 'POST', ADMIN, body);
  return { status: response.status, body: (await response.json()) as Created };
}

describe('current_host and app_settings at invoke', () => {
  it('sends to the product host with the settings substituted, and to the new settings after a PUT', async () => {
    // Prepare
    const created = await create({
      current_host: { endpoint_urls: { freshdesk: upstream().host } },
      app_settings: { view: 'open', page_size: 30, mode: 'strict' },
    });
    expect(created.status).toBe(201);
    const { id, apiKey } = created.body;
    // Act
    const first = await invoke(created.body, { template: 'productTickets' });
    // Assess: the upstream got the rendered request
    expect(first.http).toBe(200);
    expect(first.envelope.status).toBe(200);
    const sent = upstream().requests.at(-1);
    expect(sent?.url).toBe('/api/v2/tickets/open?per_page=30');
    expect(sent?.headers['x-mode']).toBe('strict');
    expect(sent?.headers.host).toBe(upstream().host);
    // Act: the app's backend replaces its settings with the installation's key
    const put = await api(`/installations/${id}/app-settings`, 'PUT', apiKey, {
      view: 'closed',
      page_size: 5,
    });
    expect(put.status).toBe(200);
    await invoke(created.body, { template: 'productTickets' });
    // Assess: the next invoke reads them; a setting no longer there is empty
    const next = upstream().requests.at(-1);
    expect(next?.url).toBe('/api/v2/tickets/closed?per_page=5');
    expect(next?.headers['x-mode']).toBe('none');
  });

  it('takes an IP address the egress allow list names (127.0.0.0/8 here), and reaches it', async () => {
    // Prepare
    const address = upstream().host.replace(/^localhost:/, '127.0.0.1:');
    // Act
    const created = await create({ current_host: { endpoint_urls: { freshdesk: address } } });
    // Assess
    expect(created.status).toBe(201);
    const { http } = await invoke(created.body, { template: 'productTickets' });
    expect(http).toBe(200);
    expect(upstream().requests.at(-1)?.headers.host).toBe(address);
  });

  it('refuses to render a template whose product host the installation lacks, sending nothing', async () => {
    // Prepare
    const created = await create({ app_settings: { view: 'open' } });
    const before = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(created.body, { template: 'productTickets' });
    // Assess
    expect(http).toBe(400);
    expect(envelope.errorSource).toBe('APP');
    expect(envelope.code).toBe('INVALID_HOST');
    expect(upstream().requests.length).toBe(before);
  });
});

describe('iparams regex and { label, value } options at POST /installations', () => {
  it('refuses a value failing its regex, naming the field and the description, never the value', async () => {
    const response = await create({ iparams: { ticket_prefix: 'lower-SECRETISH' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    expect(response.body.error.message).toContain(
      'iparams.ticket_prefix: ticket_prefix does not match its regex: two to five capital letters',
    );
    expect(JSON.stringify(response.body)).not.toContain('SECRETISH');
  });

  it('keeps a value matching its regex', async () => {
    const response = await create({ iparams: { ticket_prefix: 'HD' } });
    expect(response.status).toBe(201);
    expect(response.body.iparams).toMatchObject({ ticket_prefix: 'HD' });
  });

  it('stores the value of a { label, value } option and refuses a label or an unknown value', async () => {
    // Act
    const accepted = await create({ iparams: { region: 'eu' } });
    const label = await create({ iparams: { region: 'Europe' } });
    const unknown = await create({ iparams: { region: 'mars' } });
    // Assess
    expect(accepted.status).toBe(201);
    expect(accepted.body.iparams).toMatchObject({ region: 'eu' });
    for (const refused of [label, unknown]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('iparams.region: region must be one of "eu", "us"');
    }
  });
});
