/**
 * One control per iparam, in the connect page's markup (lib/pages/connect-page.ts): every FDK
 * type, its label, hint and error tied to it with aria-describedby; secure fields masked and
 * never filled with what was posted.
 */
import type { IparamField } from '../app/iparams-model';
import { html, type SafeHtml } from '../pages/html';
import { APP_SETTINGS_KEY, endpointKey, type IparamsFormState, iparamKey } from './form-keys';

/** The text types and the HTML input that takes each (domain and api_key are plain text off-platform). */
const INPUT_TYPE: Readonly<Record<string, string>> = {
  text: 'text',
  email: 'email',
  number: 'number',
  phone_number: 'tel',
  url: 'url',
  date: 'date',
  domain: 'text',
  api_key: 'text',
};

const SECURE_HINT = 'Secure: stored encrypted and never shown again; after an error, type it again.';

const optionLabel = (field: IparamField, index: number): string =>
  field.optionLabels?.[index] ?? String(field.options?.[index]);

/**
 * The value a control shows. A secure field never shows what was posted (the operator types it
 * again): a text-like one shows nothing at all — its default is a value of the app's config and
 * no business of the page's HTML —, a choice its default.
 */
function shownValue(field: IparamField, state: IparamsFormState): unknown {
  if (field.secure) return INPUT_TYPE[field.type] === undefined ? field.defaultValue : undefined;
  return Object.hasOwn(state.values, field.name) ? state.values[field.name] : field.defaultValue;
}

const textOf = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

interface FieldIds {
  readonly id: string;
  readonly hint: string | undefined;
  readonly error: string | undefined;
}

/** `aria-describedby` and `aria-invalid` of a control. */
function aria(ids: FieldIds): SafeHtml {
  const described = [ids.hint, ids.error].filter((id) => id !== undefined).join(' ');
  return html`${described === '' ? '' : html` aria-describedby="${described}"`}${ids.error === undefined ? '' : html` aria-invalid="true"`}`;
}

function hintText(field: IparamField): string | undefined {
  const parts = [field.description];
  if (field.secure) {
    parts.push(SECURE_HINT);
    if (field.defaultValue !== undefined && INPUT_TYPE[field.type] !== undefined)
      parts.push("Leave it empty to use the app's default.");
  }
  const text = parts.filter((part) => part !== undefined && part !== '').join(' ');
  return text === '' ? undefined : text;
}

const requiredMark = (required: boolean) =>
  required ? html`<span class="req" aria-hidden="true">*</span>` : '';

/** Label, hint, control and error, in the connect page's markup (lib/pages/connect-page.ts). */
function wrap(
  ids: FieldIds,
  label: SafeHtml,
  hint: string | undefined,
  control: SafeHtml,
  error: string | undefined,
) {
  return html`<div class="field${error === undefined ? '' : ' invalid'}">
${label}
${hint === undefined ? '' : html`<span class="hint" id="${ids.hint}">${hint}</span>`}
${control}
${error === undefined ? '' : html`<p class="error" id="${ids.error}">${error}</p>`}
</div>`;
}

/** What each type's control is made from. */
interface Spec {
  readonly field: IparamField;
  readonly key: string;
  readonly ids: FieldIds;
  readonly hint: string | undefined;
  readonly error: string | undefined;
  readonly value: unknown;
}

const required = (spec: Spec) => (spec.field.required ? html` required` : '');
const label = (spec: Spec) =>
  html`<label for="${spec.ids.id}">${spec.field.displayName}${requiredMark(spec.field.required)}</label>`;

/** A group of radios or checkboxes: a fieldset whose legend is the field's name. */
function group(spec: Spec, type: 'radio' | 'checkbox', checked: (option: unknown) => boolean): SafeHtml {
  const { field, ids, hint, error } = spec;
  const choices = (field.options ?? []).map(
    (option, index) =>
      html`<label class="choice" for="${ids.id}-${index}"><input type="${type}" id="${ids.id}-${index}" name="${spec.key}" value="${String(option)}"${checked(option) ? html` checked` : ''}${type === 'radio' ? required(spec) : ''}${error === undefined ? '' : html` aria-invalid="true"`}> ${optionLabel(field, index)}</label>`,
  );
  const described = [ids.hint, ids.error].filter((id) => id !== undefined).join(' ');
  return html`<fieldset class="field${error === undefined ? '' : ' invalid'}" id="${ids.id}"${described === '' ? '' : html` aria-describedby="${described}"`}>
<legend>${field.displayName}${requiredMark(field.required)}</legend>
${hint === undefined ? '' : html`<span class="hint" id="${ids.hint}">${hint}</span>`}
${choices}
${error === undefined ? '' : html`<p class="error" id="${ids.error}">${error}</p>`}
</fieldset>`;
}

const radios = (spec: Spec) => group(spec, 'radio', (option) => option === spec.value);

const checkboxes = (spec: Spec) =>
  group(spec, 'checkbox', (option) => Array.isArray(spec.value) && spec.value.includes(option));

/** Unchecked is an answer (false), so the box is never `required` in the browser's sense. */
function checkbox(spec: Spec): SafeHtml {
  const { ids } = spec;
  const control = html`<label class="choice" for="${ids.id}"><input type="checkbox" id="${ids.id}" name="${spec.key}" value="true"${spec.value === true ? html` checked` : ''}${aria(ids)}> ${spec.field.displayName}</label>`;
  // The box carries its own label; its hint follows it, as a sentence about the choice.
  return html`<div class="field${spec.error === undefined ? '' : ' invalid'}">
${control}
${spec.hint === undefined ? '' : html`<span class="hint" id="${ids.hint}">${spec.hint}</span>`}
${spec.error === undefined ? '' : html`<p class="error" id="${ids.error}">${spec.error}</p>`}
</div>`;
}

/** A select whose first choice is none: an optional dropdown may be left unset. */
function dropdown(spec: Spec): SafeHtml {
  const options = spec.field.options ?? [];
  const choices = options.map(
    (option, index) =>
      html`<option value="${String(option)}"${option === spec.value ? html` selected` : ''}>${optionLabel(spec.field, index)}</option>`,
  );
  const none = options.includes(spec.value) ? '' : html` selected`;
  const control = html`<select id="${spec.ids.id}" name="${spec.key}"${required(spec)}${aria(spec.ids)}><option value=""${none}>Choose…</option>${choices}</select>`;
  return wrap(spec.ids, label(spec), spec.hint, control, spec.error);
}

/** A secure paragraph (a PEM key) stays a textarea: a password input would drop its newlines. */
function paragraph(spec: Spec): SafeHtml {
  const unchecked = spec.field.secure ? html` autocomplete="off" spellcheck="false"` : '';
  const control = html`<textarea id="${spec.ids.id}" name="${spec.key}" rows="4"${unchecked}${required(spec)}${aria(spec.ids)}>${textOf(spec.value)}</textarea>`;
  return wrap(spec.ids, label(spec), spec.hint, control, spec.error);
}

const NOT_PROSE = new Set(['domain', 'api_key', 'url', 'email']);

/** Every other type: one input of its HTML type, or a password input when secure. */
function input(spec: Spec): SafeHtml {
  const { field } = spec;
  const type = field.secure ? 'password' : (INPUT_TYPE[field.type] ?? 'text');
  const number = field.type === 'number' ? html` step="any" inputmode="decimal"` : '';
  const prose = NOT_PROSE.has(field.type) ? html` autocapitalize="none" spellcheck="false"` : '';
  // A password input never carries a value: what was typed is typed again.
  const shown = field.secure ? '' : html` value="${textOf(spec.value)}"`;
  const control = html`<input id="${spec.ids.id}" name="${spec.key}" type="${type}"${shown} autocomplete="off"${number}${prose}${required(spec)}${aria(spec.ids)}>`;
  return wrap(spec.ids, label(spec), spec.hint, control, spec.error);
}

const CONTROLS: Partial<Record<IparamField['type'], (spec: Spec) => SafeHtml>> = {
  radio: radios,
  multiselect: checkboxes,
  checkbox,
  dropdown,
  paragraph,
};

/** The id of the index-th iparam's control (names may hold anything; an id may not). */
const iparamId = (index: number): string => `iparam-${index}`;
const hostId = (index: number): string => `host-${index}`;
const APP_SETTINGS_ID = 'app-settings';

export function iparamControl(field: IparamField, index: number, state: IparamsFormState): SafeHtml {
  const key = iparamKey(field.name);
  const error = state.errors[key];
  const hint = hintText(field);
  const id = iparamId(index);
  const ids: FieldIds = {
    id,
    hint: hint === undefined ? undefined : `${id}-hint`,
    error: error === undefined ? undefined : `${id}-error`,
  };
  const spec = { field, key, ids, hint, error, value: shownValue(field, state) };
  return (CONTROLS[field.type] ?? input)(spec);
}

/** The host of one product the templates read, `current_host.endpoint_urls.PRODUCT`. */
export function endpointControl(product: string, index: number, state: IparamsFormState): SafeHtml {
  const key = endpointKey(product);
  const error = state.errors[key];
  const id = hostId(index);
  const ids: FieldIds = { id, hint: `${id}-hint`, error: error === undefined ? undefined : `${id}-error` };
  const hint = `current_host.endpoint_urls.${product}: the host of this installation's ${product} account, e.g. acme.${product}.com (no https://).`;
  const control = html`<input id="${id}" name="${key}" type="text" value="${state.endpointUrls?.[product] ?? ''}" autocomplete="off" autocapitalize="none" spellcheck="false"${aria(ids)}>`;
  return wrap(ids, html`<label for="${id}">${product} host</label>`, hint, control, error);
}

/** The app settings, one JSON object: never re-rendered, as its values are secrets once stored. */
export function appSettingsControl(settings: readonly string[], state: IparamsFormState): SafeHtml {
  const error = state.errors[APP_SETTINGS_KEY];
  const id = APP_SETTINGS_ID;
  const ids: FieldIds = { id, hint: `${id}-hint`, error: error === undefined ? undefined : `${id}-error` };
  const hint = `A JSON object; the app's templates read ${settings.join(', ')}. Sealed like a secure field and never shown again; after an error, paste it again.`;
  const control = html`<textarea id="${id}" name="${APP_SETTINGS_KEY}" rows="4" autocomplete="off" spellcheck="false"${aria(ids)}></textarea>`;
  return wrap(ids, html`<label for="${id}">App settings</label>`, hint, control, error);
}

/** Where the error summary links a field's error: its control, or a group's first choice. */
export interface ControlTarget {
  readonly key: string;
  readonly id: string;
  readonly label: string;
}

/** Every control's target, in the order the form shows them. */
export function controlTargets(
  fields: readonly IparamField[],
  products: readonly string[],
  settings: readonly string[],
): ControlTarget[] {
  return [
    ...fields.map((field, index) => ({
      key: iparamKey(field.name),
      // The fieldset of a group cannot take the focus; its first choice can.
      id:
        CONTROLS[field.type] === radios || CONTROLS[field.type] === checkboxes
          ? `${iparamId(index)}-0`
          : iparamId(index),
      label: field.displayName,
    })),
    ...products.map((product, index) => ({
      key: endpointKey(product),
      id: hostId(index),
      label: `${product} host`,
    })),
    ...(settings.length === 0 ? [] : [{ key: APP_SETTINGS_KEY, id: APP_SETTINGS_ID, label: 'App settings' }]),
  ];
}
