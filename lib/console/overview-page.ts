import { LISTED_STATUSES } from '../accounts/events';
import type { DeliveryOutcome, OverviewView, RefreshOutcome } from '../overview/view';
import { html, type SafeHtml } from '../pages/html';
import type { Attention } from './attention';
import { barChart, type Series } from './charts';
import { errorText, queryOf, segment, statusLabel, statusPill, when } from './format';

const REFRESH_SERIES: readonly Series<RefreshOutcome>[] = [
  { key: 'refreshed', label: 'Refreshed', tone: 'ok' },
  { key: 'failed', label: 'Failed', tone: 'warn' },
  { key: 'grant_died', label: 'Grant died', tone: 'bad' },
];

const DELIVERY_SERIES: readonly Series<DeliveryOutcome>[] = [
  { key: 'delivered', label: 'Delivered', tone: 'ok' },
  { key: 'retried', label: 'Retried', tone: 'warn' },
  { key: 'dead', label: 'Dead', tone: 'bad' },
];

const hourTick = (start: string) => `${start.slice(11, 13)}h`;
const dayTick = (start: string) => start.slice(5, 10);

function attentionTable(attention: Attention): SafeHtml {
  if (attention.rows.length === 0) {
    return html`<p id="attention-empty" data-testid="attention-empty">Nothing needs attention: every account is authorized and refreshing.</p>`;
  }
  return html`<div class="scroll"><table class="stack" id="attention" data-testid="attention">
<thead><tr><th>Status</th><th>Installation</th><th>Integration</th><th>Account</th><th>Last error</th><th>Last refresh</th></tr></thead>
<tbody>${attention.rows.map(
    (
      row,
    ) => html`<tr data-testid="attention-row" data-installation="${row.installationId}" data-integration="${row.integration}" data-account="${row.account.account}">
<td data-label="Status">${statusPill(row.status)}</td>
<td data-label="Installation"><a href="/console/installations/${segment(row.installationId)}"><code>${row.installationId}</code></a></td>
<td data-label="Integration">${row.displayName}</td><td data-label="Account">${row.account.account}</td>
<td data-label="Last error">${errorText(row.account.error)}</td><td data-label="Last refresh">${when(row.account.lastRefreshedAt)}</td></tr>`,
  )}</tbody></table></div>
${attention.more.map(
  (status) =>
    html`<p class="muted"><a href="/console/installations${queryOf({ status })}">Every installation with accounts ${status === 'failing' ? 'failing' : 'needing reauthorization'}</a></p>`,
)}`;
}

function counts(view: OverviewView): SafeHtml {
  const { byStatus } = view.accounts;
  return html`<ul class="counts" id="counts" data-testid="counts">
<li data-testid="count-installations"><span class="n">${view.installations.total}</span>installations</li>
${LISTED_STATUSES.map(
  (status) =>
    html`<li data-testid="count-${status}"><span class="n">${byStatus[status]}</span>${statusPill(status)}</li>`,
)}
</ul>
<div class="scroll"><table class="stack" id="by-integration" data-testid="by-integration">
<thead><tr><th>Integration</th>${LISTED_STATUSES.map((status) => html`<th>${statusPill(status)}</th>`)}</tr></thead>
<tbody>${Object.entries(view.accounts.byIntegration).map(
    ([name, byStatusOf]) =>
      html`<tr><td data-label="Integration"><a href="/console/installations${queryOf({ integration: name })}">${name}</a></td>${LISTED_STATUSES.map(
        (status) => html`<td data-label="${statusLabel(status)}">${byStatusOf[status]}</td>`,
      )}</tr>`,
  )}</tbody></table></div>`;
}

function charts(view: OverviewView): SafeHtml {
  return html`<h2>Refreshes</h2>
${barChart({ id: 'chart-refreshes-hourly', title: 'Refreshes, last 24 hours', buckets: view.refreshes.hourly, series: REFRESH_SERIES, tick: hourTick })}
${barChart({ id: 'chart-refreshes-daily', title: 'Refreshes, last 30 days', buckets: view.refreshes.daily, series: REFRESH_SERIES, tick: dayTick })}
<h2>Webhook deliveries</h2>
${barChart({ id: 'chart-deliveries-hourly', title: 'Deliveries, last 24 hours', buckets: view.deliveries.hourly, series: DELIVERY_SERIES, tick: hourTick })}
${barChart({ id: 'chart-deliveries-daily', title: 'Deliveries, last 30 days', buckets: view.deliveries.daily, series: DELIVERY_SERIES, tick: dayTick })}`;
}

/**
 * The overview's body: the accounts that need attention first, then — when the deployment
 * reads its counters (GET /overview) — the counts by status and integration and the charts.
 */
export function overviewPage(view: OverviewView | undefined, attention: Attention): SafeHtml {
  return html`<h1>Overview</h1>
${view === undefined ? '' : html`<p class="muted" id="overview-at">Counters read at ${when(view.at)}.</p>`}
<h2 id="needs-attention">Needs attention</h2>
${attentionTable(attention)}
${view === undefined ? '' : html`<h2>Accounts</h2>${counts(view)}${charts(view)}`}`;
}
