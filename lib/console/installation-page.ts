import type { AccountView } from '../accounts/view';
import type { App } from '../app/model';
import { isClientGrant } from '../app/model';
import type { ConnectLink } from '../connect/links';
import type { InstallationView, IntegrationView } from '../installations/view';
import { html, type SafeHtml } from '../pages/html';
import type { RefreshNowResult } from '../refresh/refresh-now';
import { errorText, segment, shownStatus, statusPill, when } from './format';
import { csrfField } from './layout';
import { qrSvg } from './qr';

/** The form fields the account actions post (lib/console/routes.ts reads them). */
export const ACTION_FIELDS = { integration: 'integration', account: 'account', confirm: 'confirm' } as const;

const base = (id: string) => `/console/installations/${segment(id)}`;

/** A value of an iparam as text: strings as they are, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function iparams(view: InstallationView): SafeHtml {
  const plain = Object.entries(view.iparams);
  if (plain.length === 0 && view.secureIparams.length === 0) return html`<p class="muted">No iparams.</p>`;
  return html`<div class="scroll"><table id="iparams" data-testid="iparams">
<thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>
${plain.map(([name, value]) => html`<tr data-testid="iparam" data-name="${name}"><td><code>${name}</code></td><td>${shown(value)}</td></tr>`)}
${view.secureIparams.map(
  (name) =>
    html`<tr data-testid="secure-iparam" data-name="${name}"><td><code>${name}</code></td><td class="muted">secure — stored encrypted, never shown</td></tr>`,
)}
</tbody></table></div>`;
}

function hostAndSettings(view: InstallationView): SafeHtml {
  const endpoints = Object.entries(view.current_host.endpoint_urls);
  return html`<dl class="kv panel" id="current-host" data-testid="current-host">
<dt>current_host</dt><dd>${
    endpoints.length === 0
      ? html`<span class="muted">none</span>`
      : endpoints.map(([name, url]) => html`<div><code>${name}</code> ${url}</div>`)
  }</dd>
<dt>app_settings</dt><dd data-testid="app-settings">${
    view.app_settings.length === 0
      ? html`<span class="muted">none</span>`
      : html`${view.app_settings.map((name) => html`<code>${name}</code> `)}<span class="muted">(values are secrets, never shown)</span>`
  }</dd>
</dl>`;
}

function accountActions(csrf: string, id: string, integration: string, account: AccountView): SafeHtml {
  const fields = html`${csrfField(csrf)}<input type="hidden" name="${ACTION_FIELDS.integration}" value="${integration}"><input type="hidden" name="${ACTION_FIELDS.account}" value="${account.account}">`;
  return html`<div><form method="post" action="${base(id)}/refresh" class="inline">${fields}<button type="submit" data-testid="refresh-now">Refresh now</button></form>
<form method="post" action="${base(id)}/disconnect" class="inline">${fields}<button type="submit" class="danger" data-testid="disconnect">Disconnect</button></form></div>`;
}

function accountsTable(csrf: string, id: string, integration: IntegrationView): SafeHtml {
  if (integration.accounts.length === 0) return html`<p class="muted">No account connected.</p>`;
  return html`<div class="scroll"><table class="stack" data-testid="accounts" data-integration="${integration.name}">
<thead><tr><th>Account</th><th>Status</th><th>Expires</th><th>Last refresh</th><th>Authorized</th><th>Scope</th><th>Last error</th><th>Actions</th></tr></thead>
<tbody>${integration.accounts.map(
    (
      account,
    ) => html`<tr data-testid="account" data-integration="${integration.name}" data-account="${account.account}">
<td data-label="Account"><code>${account.account}</code></td><td data-label="Status">${statusPill(shownStatus(account))}</td><td data-label="Expires">${when(account.expiresAt)}</td><td data-label="Last refresh">${when(account.lastRefreshedAt)}</td><td data-label="Authorized">${when(account.authorizedAt)}</td>
<td data-label="Scope">${account.scope ?? '—'}</td><td data-label="Last error">${errorText(account.error)}</td><td data-label="Actions">${accountActions(csrf, id, integration.name, account)}</td></tr>`,
  )}</tbody></table></div>`;
}

function connectForm(app: App, csrf: string, id: string, integration: IntegrationView): SafeHtml {
  const declared = app.integrations.get(integration.name);
  if (declared === undefined || isClientGrant(declared)) {
    return html`<p class="muted">Client-credentials grant: no connect page; Handshake fetches its token itself.</p>`;
  }
  const agent = declared.tokenType === 'agent';
  return html`<form method="post" action="${base(id)}/connect-link" class="filters" data-testid="connect-link-form" data-integration="${integration.name}">
${csrfField(csrf)}<input type="hidden" name="${ACTION_FIELDS.integration}" value="${integration.name}">
<div class="field"><label for="account-${integration.name}">Account${agent ? html`<span class="req">*</span>` : ''}</label><input id="account-${integration.name}" name="${ACTION_FIELDS.account}" placeholder="${agent ? "the agent's id" : 'default'}"${agent ? html` required` : ''} autocomplete="off"></div>
<button type="submit" data-testid="new-connect-link">New connect link</button>
</form>`;
}

/** The installation's page: what it holds (secure iparams by name only) and its accounts' actions. */
export function installationPage(app: App, csrf: string, view: InstallationView): SafeHtml {
  return html`<p class="eyebrow"><a href="/console/installations">Installations</a></p>
<h1 id="installation-id" data-testid="installation-id">${view.id}</h1>
<p class="muted">Created ${when(view.createdAt)}</p>
<h2>iparams</h2>
${iparams(view)}
${hostAndSettings(view)}
${view.integrations.map(
  (integration) => html`<section data-testid="integration" data-integration="${integration.name}">
<h2>${integration.displayName} <span class="muted">(${integration.name}, ${integration.tokenType})</span></h2>
${accountsTable(csrf, view.id, integration)}
${connectForm(app, csrf, view.id, integration)}
</section>`,
)}
<h2>Delete</h2>
<p><a href="${base(view.id)}/delete" id="delete-installation" data-testid="delete-installation">Delete this installation…</a> <span class="muted">(asks you to type its id)</span></p>`;
}

/** The copy button's script (allowed by its hash): shows the button, copies the link's text. */
export const COPY_SCRIPT =
  "document.querySelectorAll('[data-copy]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){var t=document.getElementById(b.getAttribute('data-copy'));if(t&&navigator.clipboard){navigator.clipboard.writeText(t.textContent.trim()).then(function(){b.textContent='Copied'})}})})";

/** The new connect link, shown once (only its hash is stored): the URL, a copy button and a QR code. */
export function connectLinkPage(id: string, link: ConnectLink): SafeHtml {
  return html`<p class="eyebrow"><a href="${base(id)}">${id}</a></p>
<h1>Connect link for ${link.integration}</h1>
<p>Send it to the person whose <strong>${link.integration}</strong> account <code>${link.account}</code> should be connected. It works once, until ${when(link.expiresAt)}.</p>
<p class="notice" role="status">Shown only this once: Handshake keeps only its hash. Copy it now.</p>
<code class="link" id="connect-link" data-testid="connect-link">${link.url}</code>
<button type="button" class="inline" id="copy-link" data-testid="copy-link" data-copy="connect-link" hidden>Copy link</button>
${qrSvg(link.url, `QR code of the connect link for ${link.integration}`)}
<p><a href="${base(id)}" data-testid="back-to-installation">Back to the installation</a></p>`;
}

const OUTCOME: Record<RefreshNowResult['outcome'], string> = {
  refreshed: 'Refreshed: the provider issued new tokens.',
  failed: 'The refresh failed (the provider or the network); the sweep tries again.',
  dead: 'The provider refused the grant: the account needs reauthorization (make a connect link).',
};

/** What a refresh now did. */
export function refreshResultPage(id: string, integration: string, result: RefreshNowResult): SafeHtml {
  return html`<p class="eyebrow"><a href="${base(id)}">${id}</a></p>
<h1>Refresh of ${integration} · ${result.account.account}</h1>
<p id="refresh-outcome" data-testid="refresh-outcome" data-outcome="${result.outcome}">${OUTCOME[result.outcome]}</p>
<dl class="kv panel"><dt>Status</dt><dd>${statusPill(shownStatus(result.account))}</dd><dt>Expires</dt><dd>${when(result.account.expiresAt)}</dd><dt>Last error</dt><dd>${errorText(result.account.error)}</dd></dl>
<p><a href="${base(id)}" data-testid="back-to-installation">Back to the installation</a></p>`;
}

/** The delete confirmation: the id must be typed, as a second step. */
export function deleteConfirmPage(csrf: string, id: string, problem?: string): SafeHtml {
  return html`<p class="eyebrow"><a href="${base(id)}">${id}</a></p>
<h1>Delete this installation?</h1>
<p>Its accounts' grants are revoked where the provider allows it, then every token, link and setting of it is deleted. This cannot be undone.</p>
<form method="post" action="${base(id)}/delete" id="delete-form" data-testid="delete-form">
${csrfField(csrf)}
<div class="field${problem === undefined ? '' : ' invalid'}"><label for="confirm-id">Type the installation id to confirm</label>
<span class="hint"><code>${id}</code></span>
<input id="confirm-id" data-testid="confirm-id" name="${ACTION_FIELDS.confirm}" autocomplete="off" spellcheck="false" required>
${problem === undefined ? '' : html`<p class="error" role="alert" data-testid="confirm-error">${problem}</p>`}</div>
<button type="submit" class="danger" id="confirm-delete" data-testid="confirm-delete">Delete installation</button>
</form>`;
}
