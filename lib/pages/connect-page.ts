import type { Branding } from '../app/model';
import type { HttpResult } from '../http/responses';
import { html } from './html';
import { brandHeader, page } from './layout';

export interface ConnectField {
  readonly name: string;
  readonly label: string;
  readonly description?: string | undefined;
  readonly required: boolean;
  /** The HTML input type, or `textarea`. */
  readonly input: 'text' | 'email' | 'url' | 'tel' | 'date' | 'password' | 'textarea';
  /** Pre-filled by the connect link: shown, not editable (the server ignores a posted value). */
  readonly readOnly?: boolean | undefined;
}

export interface ConnectPageModel {
  readonly appName: string;
  readonly integrationName: string;
  /**
   * The host the person signs in at (the authorization endpoint's), when the file or the link
   * fixes it; undefined when the person's own entries choose it (a customer's domain).
   * The link's account label is never on the page: it is the app's name for the account.
   */
  readonly providerHost: string | undefined;
  readonly fields: readonly ConnectField[];
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  /** Origins the form's redirect may go to (the provider's authorization endpoint). */
  readonly formAction: readonly string[];
}

function field(model: ConnectPageModel, spec: ConnectField) {
  const id = `f-${spec.name}`;
  const error = model.errors[spec.name];
  const value = model.values[spec.name] ?? '';
  const described = spec.description === undefined ? undefined : `${id}-hint`;
  const common = html`${spec.readOnly ? html` readonly` : ''}${spec.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  const control =
    spec.input === 'textarea'
      ? html`<textarea id="${id}" name="${spec.name}" rows="3"${common}>${value}</textarea>`
      : html`<input id="${id}" name="${spec.name}" type="${spec.input}" value="${value}" autocomplete="off"${common}${error ? html` aria-invalid="true"` : ''}>`;
  return html`<div class="field${error ? ' invalid' : ''}">
<label for="${id}">${spec.label}${spec.required ? html`<span class="req" aria-hidden="true">*</span>` : ''}</label>
${spec.description === undefined ? '' : html`<span class="hint" id="${described}">${spec.description}</span>`}
${control}
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
</div>`;
}

/**
 * The connect page: who asks (the app's name and logo), for which provider and where the
 * person will sign in, the oauth_iparams form and Authorize. `hidden` are fields the form
 * carries unseen (the binding of the form to this page).
 */
export function connectPage(
  model: ConnectPageModel,
  status = 200,
  hidden: Readonly<Record<string, string>> = {},
  branding: Branding = {},
): HttpResult {
  const errorCount = Object.keys(model.errors).length;
  const where = model.providerHost === undefined ? '' : html` (<b>${model.providerHost}</b>)`;
  const body = html`${brandHeader(model.appName, branding)}
<h1>Connect ${model.integrationName}</h1>
<p>${model.appName} asks for access to your ${model.integrationName} account. You will sign in at ${model.integrationName}${where} and choose what to allow; your password is never shared with ${model.appName}.</p>
${errorCount > 0 ? html`<div class="alert" role="alert">Please correct the ${errorCount === 1 ? 'field' : `${errorCount} fields`} marked below.</div>` : ''}
<form method="post" novalidate>
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${model.fields.map((spec) => field(model, spec))}
<button type="submit">Authorize</button>
</form>`;
  return page({
    status,
    title: `Connect ${model.integrationName} · ${model.appName}`,
    body,
    formAction: ["'self'", ...model.formAction],
    branding,
  });
}
