import type { App } from '../app/model';
import { printTemplate } from '../app/template';
import type { CredentialField } from '../oauth/client-credentials';
import { html, type SafeHtml } from '../pages/html';

/** An integration's client credentials that are still placeholders (lib/oauth/client-credentials.ts). */
export type Placeholders = ReadonlyMap<string, readonly CredentialField[]>;

/** The app's configuration at a glance: integrations (and which lack real credentials), templates. */
export function appPage(app: App, placeholders: Placeholders): SafeHtml {
  const integrations = [...app.integrations.values()];
  const templates = [...app.templates.values()];
  return html`<h1>${app.name}</h1>
<p class="muted">The app this deployment serves${app.platformVersion === undefined ? '' : ` (platform ${app.platformVersion})`}.</p>
<h2>Integrations</h2>
${
  integrations.length === 0
    ? html`<p class="muted">No OAuth integration.</p>`
    : html`<div class="scroll"><table class="stack" id="integrations" data-testid="integrations">
<thead><tr><th>Name</th><th>Display name</th><th>Token type</th><th>Client credentials</th></tr></thead>
<tbody>${integrations.map((integration) => {
        const missing = placeholders.get(integration.name) ?? [];
        return html`<tr data-testid="integration-row" data-integration="${integration.name}" data-credentials="${missing.length === 0 ? 'set' : 'placeholder'}">
<td data-label="Name"><code>${integration.name}</code></td><td data-label="Display name">${integration.displayName}</td><td data-label="Token type">${integration.tokenType}</td>
<td data-label="Credentials">${
          missing.length === 0
            ? html`<span class="status ok">set</span>`
            : html`<span class="status bad">placeholder</span> <span class="muted">${missing.join(' and ')}: set with <code>npm run secrets -- set ${integration.name}</code>; connect links are refused until then</span>`
        }</td></tr>`;
      })}</tbody></table></div>`
}
<h2>Request templates</h2>
${
  templates.length === 0
    ? html`<p class="muted">No request template.</p>`
    : html`<div class="scroll"><table class="stack" id="templates" data-testid="templates">
<thead><tr><th>Name</th><th>Method</th><th>Host</th><th>Integration</th></tr></thead>
<tbody>${templates.map(
        (template) => html`<tr data-testid="template-row" data-template="${template.name}">
<td data-label="Name"><code>${template.name}</code></td><td data-label="Method">${template.method}</td><td data-label="Host"><code>${template.protocol}://${printTemplate(template.host)}</code></td><td data-label="Integration">${template.oauth ?? '—'}</td></tr>`,
      )}</tbody></table></div>`
}`;
}
