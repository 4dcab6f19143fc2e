import { matchesPattern } from './iparam-pattern';
import type { IparamField, OAuthIparamField } from './iparams-model';
import type { App, Integration } from './model';
import { isRecord } from './record';

/** A value given for an installation parameter that does not fit its field. Never echoes the value. */
export interface IparamProblem {
  readonly name: string;
  readonly message: string;
}

export interface CheckedIparams<V> {
  readonly values: Record<string, V>;
  readonly problems: IparamProblem[];
}

const listOf = (options: readonly unknown[]): string =>
  options.map((option) => JSON.stringify(option)).join(', ');

/** What a field accepts, for messages. */
export function allowedValues(field: Pick<IparamField, 'type' | 'options'>): string {
  const options = field.options ?? [];
  switch (field.type) {
    case 'number':
      return 'a number';
    case 'checkbox':
      return 'true or false';
    case 'dropdown':
    case 'radio':
      return `one of ${listOf(options)}`;
    case 'multiselect':
      return `an array of values from ${listOf(options)}`;
    default:
      return `a string (${field.type})`;
  }
}

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** Whether `value` has the shape FDK gives a field of this type. */
export function fitsIparam(field: Pick<IparamField, 'type' | 'options'>, value: unknown): boolean {
  const options = field.options ?? [];
  switch (field.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'checkbox':
      return typeof value === 'boolean';
    case 'dropdown':
    case 'radio':
      return options.includes(value);
    case 'multiselect':
      return Array.isArray(value) && value.every((item) => options.includes(item));
    default:
      return typeof value === 'string';
  }
}

/**
 * Why a value that fits its field's type fails one of its patterns (`regex`), or undefined. The
 * message names the field and the pattern's description (its `NAME-error` text), never the value.
 */
function patternMismatch(field: IparamField, value: unknown): string | undefined {
  const patterns = field.patterns ?? [];
  if (patterns.length === 0 || (typeof value !== 'string' && typeof value !== 'number')) return undefined;
  const text = String(value);
  const failed = patterns.find((pattern) => !matchesPattern(pattern, text));
  if (failed === undefined) return undefined;
  return `${field.name} does not match its regex: ${failed.description ?? `/${failed.source}/`}`;
}

function unknownNames(
  input: Readonly<Record<string, unknown>>,
  known: readonly string[],
  owner: 'app' | 'integration',
): IparamProblem[] {
  const allowed = known.length === 0 ? `this ${owner} defines none` : `allowed: ${known.join(', ')}`;
  return Object.keys(input)
    .filter((name) => !known.includes(name))
    .map((name) => ({ name, message: `${name} is not a parameter of this ${owner}; ${allowed}` }));
}

/** One field's value: kept, left out (an optional field not given), or refused. */
type FieldOutcome =
  | { readonly kind: 'keep'; readonly value: unknown }
  | { readonly kind: 'omit' }
  | { readonly kind: 'refuse'; readonly problem: string };

function checkField(field: IparamField, given: unknown): FieldOutcome {
  const useDefault =
    isEmpty(given) && field.defaultValue !== undefined && fitsIparam(field, field.defaultValue);
  const value = useDefault ? field.defaultValue : given;
  if (isEmpty(value)) {
    if (field.required)
      return { kind: 'refuse', problem: `${field.name} is required: ${allowedValues(field)}` };
    return value !== undefined && value !== null && fitsIparam(field, value)
      ? { kind: 'keep', value }
      : { kind: 'omit' };
  }
  if (!fitsIparam(field, value))
    return { kind: 'refuse', problem: `${field.name} must be ${allowedValues(field)}` };
  // The default is the app's own; only what the installer gives is held to the patterns.
  const mismatch = useDefault ? undefined : patternMismatch(field, value);
  return mismatch === undefined ? { kind: 'keep', value } : { kind: 'refuse', problem: mismatch };
}

const NOT_AN_OBJECT: IparamProblem = {
  name: '',
  message: 'the parameters must be an object of field names to values',
};

/**
 * Checks the iparams given when an installation is created against config/iparams.json: unknown
 * names, missing required fields, values of the wrong type. Absent fields take their default_value.
 */
export function checkIparams(app: Pick<App, 'iparams'>, input: unknown): CheckedIparams<unknown> {
  if (!isRecord(input)) return { values: {}, problems: [NOT_AN_OBJECT] };
  const fields = [...app.iparams.values()];
  const problems = unknownNames(
    input,
    fields.map((field) => field.name),
    'app',
  );
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const checked = checkField(field, Object.hasOwn(input, field.name) ? input[field.name] : undefined);
    if (checked.kind === 'refuse') problems.push({ name: field.name, message: checked.problem });
    else if (checked.kind === 'keep') values[field.name] = checked.value;
  }
  return { values, problems };
}

/** Checks the connect form's values against the integration's oauth_iparams (all strings). */
export function checkOauthIparams(
  integration: Pick<Integration, 'oauthIparams'>,
  input: unknown,
): CheckedIparams<string> {
  if (!isRecord(input)) return { values: {}, problems: [NOT_AN_OBJECT] };
  const fields: readonly OAuthIparamField[] = integration.oauthIparams;
  const problems = unknownNames(
    input,
    fields.map((field) => field.name),
    'integration',
  );
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = Object.hasOwn(input, field.name) ? input[field.name] : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string') {
      problems.push({ name: field.name, message: `${field.name} must be a string (${field.type})` });
    } else if (isEmpty(value)) {
      if (field.required)
        problems.push({ name: field.name, message: `${field.name} is required: a string (${field.type})` });
    } else if (typeof value === 'string') {
      values[field.name] = value;
    }
  }
  return { values, problems };
}
