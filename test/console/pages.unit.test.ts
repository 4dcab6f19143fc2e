import { join } from 'node:path';
import type { App } from '../../lib/app';
import { appPage } from '../../lib/console/app-page';
import type { Attention } from '../../lib/console/attention';
import { barChart } from '../../lib/console/charts';
import { connectLinkPage, installationPage } from '../../lib/console/installation-page';
import { consolePage } from '../../lib/console/layout';
import { overviewPage } from '../../lib/console/overview-page';
import { qrSvg } from '../../lib/console/qr';
import { tooManyPage } from '../../lib/console/sign-in';
import type { InstallationView } from '../../lib/installations/view';
import type { OutcomeBucket, OverviewView, RefreshOutcome } from '../../lib/overview/view';
import { html } from '../../lib/pages/html';
import { loadApp, readAppDir } from '../../tools/app';
import { REPO_ROOT } from '../support/local-env';

const loaded = loadApp(readAppDir(join(REPO_ROOT, 'app'))).app;
if (loaded === undefined) throw new Error('the sample app is valid');
const app: App = loaded;
const [first] = [...app.integrations.keys()];
const ID = 'in_abcdefghijklmnopqrst';
const CSRF = 'c'.repeat(43);

const buckets = <O extends string>(
  count: number,
  values: (index: number) => Record<O, number>,
  step: number,
) =>
  Array.from({ length: count }, (_, index) => ({
    start: new Date(Date.parse('2026-12-01T00:00:00Z') + index * step).toISOString(),
    ...values(index),
  })) as OutcomeBucket<O>[];

const refreshes = (index: number): Record<RefreshOutcome, number> => ({
  refreshed: index,
  failed: index % 3 === 0 ? 1 : 0,
  grant_died: index === 5 ? 1 : 0,
});
const deliveries = () => ({ delivered: 2, retried: 0, dead: 0 });
const view: OverviewView = {
  at: '2026-12-03T08:00:00.000Z',
  installations: { total: 12 },
  accounts: {
    byStatus: { authorized: 9, failing: 2, reauthorization_required: 1 },
    byIntegration: { hubspot: { authorized: 9, failing: 2, reauthorization_required: 1 } },
  },
  refreshes: {
    last24h: { refreshed: 276, failed: 8, grant_died: 1 },
    last30d: { refreshed: 435, failed: 10, grant_died: 1 },
    hourly: buckets(24, refreshes, 3600_000),
    daily: buckets(30, refreshes, 86_400_000),
  },
  deliveries: {
    last24h: { delivered: 48, retried: 0, dead: 0 },
    last30d: { delivered: 60, retried: 0, dead: 0 },
    hourly: buckets(24, deliveries, 3600_000),
    daily: buckets(30, deliveries, 86_400_000),
  },
};

const attention: Attention = {
  rows: [
    {
      installationId: ID,
      integration: 'hubspot',
      displayName: 'HubSpot <CRM>',
      status: 'reauthorization_required',
      account: {
        account: 'default',
        status: 'reauthorization_required',
        expiresAt: null,
        lastRefreshedAt: '2026-12-03T07:00:00.000Z',
        authorizedAt: '2026-11-01T07:00:00.000Z',
        scope: 'crm.read',
        error: { code: 'invalid_grant', description: 'Token <revoked>', at: '2026-12-03T07:00:00.000Z' },
      },
    },
  ],
  more: ['failing'],
};

describe('the overview page', () => {
  it('puts the accounts that need attention first, then counts and one chart per series with totals', () => {
    // Act
    const body = overviewPage(view, attention).value;
    // Assess
    expect(body.indexOf('id="needs-attention"')).toBeLessThan(body.indexOf('id="counts"'));
    expect(body).toContain(
      `data-testid="attention-row" data-installation="${ID}" data-integration="hubspot"`,
    );
    expect(body).toContain('HubSpot &lt;CRM&gt;');
    expect(body).toContain('invalid_grant: Token &lt;revoked&gt;');
    expect(body).toContain('/console/installations?status=failing');
    expect(body).toMatch(/data-testid="count-installations"><span class="n">12</);
    expect(body).toMatch(/data-testid="count-failing"><span class="n">2</);
    for (const id of ['refreshes-hourly', 'refreshes-daily', 'deliveries-hourly', 'deliveries-daily']) {
      expect(body).toContain(`<title id="chart-${id}-title">`);
    }
    // 0+1+…+23 refreshed in the hourly chart; its text total says so.
    expect(body).toContain('data-testid="chart-refreshes-hourly-refreshed">Refreshed: 276<');
    expect(body).toContain('data-testid="chart-deliveries-daily-delivered">Delivered: 60<');
    // A phone shows each integration's counts as labelled rows (the stylesheet's table.stack).
    expect(body).toContain('<table class="stack" id="by-integration"');
    expect(body).toContain('<td data-label="reauthorization required">');
    // The first tick label starts at the chart's edge instead of being cut off there.
    expect(body).toMatch(/<text x="0\.0" y="\d+" text-anchor="start">/);
  });

  it('without the counters, shows the attention list alone; with nothing to attend, says so', () => {
    const alone = overviewPage(undefined, attention).value;
    const calm = overviewPage(undefined, { rows: [], more: [] }).value;
    expect(alone).toContain('data-testid="attention-row"');
    expect(alone).not.toContain('id="counts"');
    expect(alone).not.toContain('<svg');
    expect(calm).toContain('data-testid="attention-empty"');
  });
});

describe('the charts', () => {
  it('draws one bar group per bucket, each titled with its numbers, scaled to the highest', () => {
    const chart = barChart({
      id: 'c',
      title: 'T',
      buckets: buckets(3, (index) => ({ ok: index * 2, bad: 1 }), 3600_000),
      series: [
        { key: 'ok', label: 'OK', tone: 'ok' },
        { key: 'bad', label: 'Bad', tone: 'bad' },
      ],
      tick: (start) => start.slice(11, 13),
    }).value;
    expect(chart.match(/<g>/g)).toHaveLength(3);
    expect(chart).toContain('<title>02: OK 4, Bad 1</title>');
    // The highest bar (5) fills the plot's 142 units.
    expect(chart).toContain('height="113.6"');
    expect(chart).toContain('>OK: 6<');
    expect(chart).toContain('>Bad: 3<');
  });
});

const installation: InstallationView = {
  id: ID,
  createdAt: '2026-12-01T10:00:00.000Z',
  iparams: { domain: 'acme.freshservice.com', settings: { deep: true } },
  secureIparams: ['api_key'],
  current_host: { endpoint_urls: { freshservice: 'acme.freshservice.com' } },
  app_settings: ['webhook_token'],
  integrations: [
    {
      name: first ?? '',
      displayName: 'First',
      tokenType: 'account',
      accounts: [
        {
          account: 'default',
          status: 'authorized',
          expiresAt: '2026-12-03T09:00:00.000Z',
          lastRefreshedAt: '2026-12-03T08:00:00.000Z',
          authorizedAt: '2026-12-01T10:00:00.000Z',
          scope: 'read write',
        },
      ],
    },
  ],
};

describe('the installation page', () => {
  it('lists secure iparams and app settings by name only, each account with its actions bound to the session', () => {
    const body = installationPage(app, CSRF, installation).value;
    expect(body).toContain('data-testid="secure-iparam" data-name="api_key"');
    expect(body).toContain('acme.freshservice.com');
    expect(body).toContain('{&quot;deep&quot;:true}');
    expect(body).toContain('<code>webhook_token</code>');
    expect(body).toContain(`data-testid="account" data-integration="${first}" data-account="default"`);
    expect(body).toContain('data-status="authorized"');
    expect(body).toContain('2026-12-03 09:00 UTC');
    expect(body).toContain('read write');
    expect(body.match(new RegExp(`name="csrf" value="${CSRF}"`, 'g'))?.length).toBe(3);
    expect(body).toContain(`href="/console/installations/${ID}/delete"`);
  });

  it('shows a connect link as selectable text, a QR code, and a copy button hidden until its script runs', () => {
    const url = `https://auth.example.com/connect/hcl_${ID}_${'a'.repeat(43)}`;
    const body = connectLinkPage(ID, {
      url,
      expiresAt: '2026-12-03T08:10:00.000Z',
      integration: 'hubspot',
      account: 'default',
    }).value;
    expect(body).toContain(`data-testid="connect-link">${url}</code>`);
    expect(body).toMatch(/<button type="button" class="inline" id="copy-link"[^>]* hidden>/);
    expect(body).toContain('data-testid="connect-link-qr"');
  });
});

describe('the QR code', () => {
  it('is an SVG of dark squares in a quiet zone, bigger for a longer text', () => {
    const short = qrSvg('https://a.example', 'QR');
    const long = qrSvg(`https://a.example/${'x'.repeat(120)}`, 'QR');
    const side = (svg: string) => Number(/viewBox="0 0 (\d+) /.exec(svg)?.[1]);
    // A version's side is 17 + 4 × version modules, plus 4 of quiet zone on each side.
    expect((side(short.value) - 8 - 17) % 4).toBe(0);
    expect(side(long.value)).toBeGreaterThan(side(short.value));
    expect(short.value).toMatch(/<path fill="#000" d="(M\d+ \d+h1v1h-1z)+"/);
  });
});

describe('the app page', () => {
  it('names the integrations whose client credentials are still placeholders, and every template', () => {
    const placeholders = new Map([[first ?? '', ['client_id', 'client_secret'] as const]]);
    const body = appPage(app, placeholders as never).value;
    expect(body).toContain(`data-integration="${first}" data-credentials="placeholder"`);
    expect(body).toContain('client_id and client_secret');
    for (const name of app.templates.keys()) expect(body).toContain(`data-template="${name}"`);
    expect(body).toContain('data-credentials="set"');
  });
});

describe('the frame', () => {
  it('carries the strict page headers, a navigation with the new-installation link and a sign-out form', () => {
    const page = consolePage(
      { appName: 'Desk <x>', csrf: CSRF, section: 'events' },
      { title: 'T', body: html`<p>x</p>` },
    );
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("form-action 'self'");
    expect(page.headers['content-security-policy']).not.toContain('script-src');
    expect(page.body).toContain('href="/console/installations/new"');
    expect(page.body).toContain('id="nav-events" data-testid="nav-events" aria-current="page"');
    expect(page.body).toContain(
      `<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${CSRF}">`,
    );
    expect(page.body).toContain('Desk &lt;x&gt;');
  });

  it('allows a page script by its hash only', () => {
    const page = consolePage({ appName: 'A', csrf: CSRF }, { title: 'T', body: html``, script: 'void 0' });
    expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(page.body).toContain('<script>void 0</script>');
  });

  it('says how long to wait when sign-ins are over the limit', () => {
    const page = tooManyPage(42);
    expect(page.statusCode).toBe(429);
    expect(page.headers['retry-after']).toBe('42');
    expect(page.body).toContain('42 seconds');
  });
});
