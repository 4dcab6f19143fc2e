import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import type { App } from '../app/model';
import type { InstallationsPage } from '../installations/list';
import type { InstallationView } from '../installations/view';
import { html, type SafeHtml } from '../pages/html';
import { queryOf, segment, shownStatus, statusPill, when } from './format';

/** What the installations page was asked for: its search box and filters, as given. */
export interface InstallationsFilter {
  readonly q?: string | undefined;
  readonly status?: ListedStatus | undefined;
  readonly integration?: string | undefined;
  readonly cursor?: string | undefined;
}

const option = (value: string, label: string, selected: string | undefined): SafeHtml =>
  html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;

function filters(app: App, filter: InstallationsFilter): SafeHtml {
  return html`<form method="get" action="/console/installations" class="filters" id="installations-filter" data-testid="installations-filter">
<div class="field"><label for="search-id">Installation id</label><input id="search-id" data-testid="search-id" name="q" value="${filter.q ?? ''}" placeholder="in_…" autocomplete="off" spellcheck="false"></div>
<div class="field"><label for="filter-status">Account status</label><select id="filter-status" data-testid="filter-status" name="status">
${option('', 'Any', filter.status)}${LISTED_STATUSES.map((status) => option(status, status.replaceAll('_', ' '), filter.status))}
</select></div>
<div class="field"><label for="filter-integration">Integration</label><select id="filter-integration" data-testid="filter-integration" name="integration">
${option('', 'Any', filter.integration)}${[...app.integrations.values()].map((integration) => option(integration.name, integration.displayName, filter.integration))}
</select></div>
<button type="submit" id="filter-submit" data-testid="filter-submit">Show</button>
</form>`;
}

/** Each integration's accounts in a line: how many, and the worst status among them. */
function accountsSummary(row: InstallationView): SafeHtml {
  const parts = row.integrations
    .filter((integration) => integration.accounts.length > 0)
    .map((integration) => {
      const statuses = integration.accounts.map(shownStatus);
      const worst = statuses.includes('reauthorization_required')
        ? 'reauthorization_required'
        : statuses.includes('failing')
          ? 'failing'
          : 'authorized';
      return html`<span class="inline">${integration.displayName} ×${integration.accounts.length} ${statusPill(worst)}</span>`;
    });
  return parts.length === 0 ? html`<span class="muted">no account connected</span>` : html`${parts}`;
}

/** The installations page's body: search and filters, one page of rows, the next page's link. */
export function installationsPage(
  app: App,
  filter: InstallationsFilter,
  page: InstallationsPage | undefined,
  notice?: string,
): SafeHtml {
  const next =
    page?.next === null || page?.next === undefined
      ? ''
      : html`<p><a id="next-page" data-testid="next-page" href="/console/installations${queryOf({
          status: filter.status,
          integration: filter.integration,
          cursor: page.next,
        })}">Next page →</a></p>`;
  const rows =
    page === undefined
      ? ''
      : page.installations.length === 0
        ? html`<p id="installations-empty" data-testid="installations-empty">No installation matches.</p>`
        : html`<div class="scroll"><table class="stack" id="installations" data-testid="installations">
<thead><tr><th>Installation</th><th>Created</th><th>Accounts</th></tr></thead>
<tbody>${page.installations.map(
            (row) => html`<tr data-testid="installation-row" data-installation="${row.id}">
<td data-label="Installation"><a href="/console/installations/${segment(row.id)}"><code>${row.id}</code></a></td><td data-label="Created">${when(row.createdAt)}</td><td data-label="Accounts"><div>${accountsSummary(row)}</div></td></tr>`,
          )}</tbody></table></div>`;
  return html`<h1>Installations</h1>
<p><a href="/console/installations/new" id="new-installation" data-testid="new-installation">New installation</a></p>
${filters(app, filter)}
${notice === undefined ? '' : html`<p class="alert" role="alert" data-testid="installations-notice">${notice}</p>`}
${rows}
${filter.cursor === undefined ? '' : html`<p class="muted"><a href="/console/installations${queryOf({ status: filter.status, integration: filter.integration })}">← Newest</a></p>`}
${next}`;
}
