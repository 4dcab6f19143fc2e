import { checkOauthIparams, type Integration, type OAuthIparamField, referencedNames } from '../app';
import { providerUrlTemplates } from '../app/allowed-hosts';
import { BASE_URL_RULE, baseUrlFields, checkBaseUrl } from '../app/base-url';
import type { ConnectField } from '../pages/connect-page';
import { providerHostErrors } from './connect-hosts';

const INPUT_TYPE: Record<OAuthIparamField['type'], ConnectField['input']> = {
  text: 'text',
  paragraph: 'textarea',
  email: 'email',
  url: 'url',
  phone_number: 'tel',
  domain: 'text',
  date: 'date',
  api_key: 'password',
};

export function connectFields(integration: Integration): ConnectField[] {
  return integration.oauthIparams.map((field) => ({
    name: field.name,
    label: field.displayName,
    description: field.description,
    required: field.required,
    input: INPUT_TYPE[field.type],
  }));
}

/** The oauth_iparams that end up inside a provider URL (authorize, token, refresh, revocation). */
function urlFieldNames(integration: Integration): Set<string> {
  const templates = providerUrlTemplates(integration);
  const names = new Set<string>();
  for (const template of templates) {
    for (const ref of referencedNames(template)) {
      if (ref.root === 'oauth_iparams' && ref.path[0] !== undefined) names.add(ref.path[0]);
    }
  }
  return names;
}

/**
 * A value rendered into a provider URL must not be able to change where the URL points beyond
 * its own slot: no '/', '?', '#', '@', '\\', '%', whitespace or control characters (':' stays,
 * for a host with a port). This stops an entry like `evil.example/x?` from sending the code and
 * the client secret elsewhere.
 */
const URL_SAFE_VALUE = /^[A-Za-z0-9._~:-]+$/;

export interface CheckedFields {
  readonly values: Record<string, string>;
  readonly errors: Record<string, string>;
}

export interface CheckOptions {
  /** How a field is named in a message: its label on the page, `oauth_iparams.NAME` in the API. */
  readonly label: (name: string) => string;
  /** Plain http for a base URL: only where the egress allow list names the destination. */
  readonly allowsPlainHttp: (url: URL) => boolean;
  /** A connect link's pre-filled values: the others are typed later, so none is required yet. */
  readonly partial?: boolean;
}

/** One value's own problem (length, URL safety, base URL), or its value as it will be used. */
function checkValue(
  name: string,
  value: string,
  where: { readonly inUrls: Set<string>; readonly bases: Set<string> },
  options: CheckOptions,
): string | { problem: string } {
  const label = options.label(name);
  if (value.length > 1024) return { problem: `${label} is too long (at most 1024 characters).` };
  let used = value;
  if (where.bases.has(name)) {
    const base = checkBaseUrl(value, options.allowsPlainHttp);
    if (typeof base !== 'string') return { problem: `${label} ${base.problem}; allowed: ${BASE_URL_RULE}.` };
    used = base;
  } else if (where.inUrls.has(name) && !URL_SAFE_VALUE.test(value)) {
    return {
      problem: `${label} may contain only letters, digits, '.', '-', '_', '~' and ':' (for example acme.example.com).`,
    };
  }
  return used;
}

/**
 * The oauth_iparams values — typed on the connect page or pre-filled on a connect link — held to
 * one set of rules: the fields' types, URL safety, base URLs and handshake.allowed_hosts.
 */
export function checkOauthValues(
  integration: Integration,
  input: Readonly<Record<string, unknown>>,
  options: CheckOptions,
): CheckedFields {
  const checked = checkOauthIparams(integration, input);
  const errors: Record<string, string> = {};
  for (const problem of checked.problems) {
    const label = options.label(problem.name);
    if (problem.message.startsWith(`${problem.name} is required`)) {
      if (!options.partial) errors[problem.name] = `${label} is required.`;
    } else errors[problem.name] = `${label}: ${problem.message}`;
  }
  const templates = providerUrlTemplates(integration);
  const where = {
    inUrls: urlFieldNames(integration),
    bases: baseUrlFields(integration.oauthIparams, templates),
  };
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(checked.values)) {
    const used = checkValue(name, value, where, options);
    if (typeof used === 'string') values[name] = used;
    else errors[name] = used.problem;
  }
  const hostErrors =
    Object.keys(errors).length > 0
      ? {}
      : providerHostErrors(integration, values, options.label, options.partial === true);
  return { values, errors: { ...errors, ...hostErrors } };
}

/** The field's label on the connect page. */
export const fieldLabel =
  (integration: Integration) =>
  (name: string): string =>
    integration.oauthIparams.find((field) => field.name === name)?.displayName ?? name;

/**
 * The submitted connect form, checked against the integration's oauth_iparams. A value the link
 * bound (`bound`) replaces whatever the form says for that field: a person cannot change it.
 */
export function checkConnectForm(
  integration: Integration,
  form: URLSearchParams,
  {
    allowsPlainHttp = () => false,
    bound = {},
  }: {
    readonly allowsPlainHttp?: (url: URL) => boolean;
    readonly bound?: Readonly<Record<string, string>>;
  } = {},
): CheckedFields {
  const input: Record<string, string> = {};
  for (const field of integration.oauthIparams) {
    const value = Object.hasOwn(bound, field.name) ? bound[field.name] : form.get(field.name);
    if (value !== null && value !== undefined) input[field.name] = value.trim();
  }
  return checkOauthValues(integration, input, { label: fieldLabel(integration), allowsPlainHttp });
}
