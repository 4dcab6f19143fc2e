/**
 * What the create-installation form posted, typed as POST /installations takes it, and the
 * errors of its fields — checkIparams' and the use case's, by form key. Nothing is judged here
 * beyond the shape of what was posted.
 */
import { checkIparams } from '../app/iparams';
import type { IparamField } from '../app/iparams-model';
import type { App } from '../app/model';
import { InvalidInputError } from '../errors';
import type { CreateInstallationInput } from '../installations/service';
import {
  APP_SETTINGS_KEY,
  endpointKey,
  type FormApp,
  type IparamsFormState,
  installationReads,
  iparamKey,
} from './form-keys';

/** FDK's number: a decimal, as a number input sends it; anything else stays text, for the validator to refuse. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The option a posted text stands for (options may be numbers); text that is none stays text. */
const optionFor = (field: IparamField, text: string): unknown =>
  field.options?.find((option) => String(option) === text) ?? text;

/** One field's posted value, typed; undefined: not given (an empty text, no choice). */
function parseField(field: IparamField, body: URLSearchParams): unknown {
  const key = iparamKey(field.name);
  if (field.type === 'multiselect') return body.getAll(key).map((text) => optionFor(field, text));
  const posted = body.get(key);
  if (field.type === 'checkbox') {
    // An unchecked box sends nothing: its answer is false.
    if (posted === null || posted === 'false') return false;
    return posted === 'true' ? true : posted;
  }
  // A paragraph keeps its whitespace (a PEM's last newline); a single line drops a pasted space.
  const text = field.type === 'paragraph' ? (posted ?? '') : (posted ?? '').trim();
  if (text === '') return undefined;
  if (field.type === 'number') return DECIMAL.test(text) ? Number(text) : text;
  if (field.type === 'dropdown' || field.type === 'radio') return optionFor(field, text);
  return text;
}

/**
 * The iparams a posted form gives, typed as createInstallation takes them: numbers as numbers,
 * a checkbox as a boolean, a multiselect as an array (its name repeated), a choice as its
 * option's value. Names the app does not define are ignored; a field left empty is left out
 * (so its default_value applies). Nothing is judged here: that is checkIparams' work.
 */
export function parseIparamsForm(app: Pick<App, 'iparams'>, body: URLSearchParams): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of app.iparams.values()) {
    const value = parseField(field, body);
    if (value !== undefined) values[field.name] = value;
  }
  return values;
}

export interface InstallationForm {
  /** What createInstallation takes. */
  readonly input: CreateInstallationInput;
  /** What to show again after an error; `errors` holds the form's own problems (app settings that are not JSON). */
  readonly state: IparamsFormState;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The whole form: the iparams, the product hosts the app reads, the app settings (a JSON object). */
export function parseInstallationForm(app: FormApp, body: URLSearchParams): InstallationForm {
  const iparams = parseIparamsForm(app, body);
  const reads = installationReads(app);
  const endpointUrls: Record<string, string> = {};
  for (const product of reads.products) {
    const host = (body.get(endpointKey(product)) ?? '').trim();
    if (host !== '') endpointUrls[product] = host;
  }
  const errors: Record<string, string> = {};
  let appSettings: Record<string, unknown> | undefined;
  const settingsText = reads.settings.length === 0 ? '' : (body.get(APP_SETTINGS_KEY) ?? '').trim();
  if (settingsText !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(settingsText);
    } catch {
      // The parser's own message quotes the text, which holds secrets: it is not shown.
      parsed = undefined;
    }
    if (isObject(parsed)) appSettings = parsed;
    else errors[APP_SETTINGS_KEY] = 'app_settings must be a JSON object, e.g. {"region": "eu"}';
  }
  const hasHosts = Object.keys(endpointUrls).length > 0;
  return {
    input: {
      iparams,
      ...(hasHosts ? { endpointUrls } : {}),
      ...(appSettings === undefined ? {} : { appSettings }),
    },
    state: { values: iparams, ...(hasHosts ? { endpointUrls } : {}), errors },
  };
}

// ---------------------------------------------------------------------------------------------
// Errors by field

/**
 * checkIparams' problems by form key, the first for each field: what is wrong and what is
 * allowed, never the value. A problem of no field (the input is not an object) is under `iparams`.
 */
export function fieldErrors(app: Pick<App, 'iparams'>, input: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of checkIparams(app, input).problems) {
    const key = problem.name === '' ? 'iparams' : iparamKey(problem.name);
    errors[key] ??= problem.message;
  }
  return errors;
}

/** A detail of the use case's InvalidInputError: an iparam's `{ name, message }` or a body field's `{ field, message }`. */
function detailKey(detail: unknown): { key: string; message: string } | undefined {
  if (!isObject(detail) || typeof detail.message !== 'string') return undefined;
  if (typeof detail.name === 'string')
    return { key: detail.name === '' ? 'iparams' : iparamKey(detail.name), message: detail.message };
  if (typeof detail.field === 'string') return { key: detail.field, message: detail.message };
  return undefined;
}

/**
 * What createInstallation refused, by form key: its iparam problems (`{ name, message }`) and
 * its current_host and app_settings problems (`{ field, message }`, already form keys).
 * Undefined for any other error, which the console's error page answers.
 */
export function formErrorsOf(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof InvalidInputError)) return undefined;
  const errors: Record<string, string> = {};
  const details = Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    const placed = detailKey(detail);
    if (placed !== undefined) errors[placed.key] ??= placed.message;
  }
  if (Object.keys(errors).length === 0) errors[''] = error.message;
  return errors;
}
