import { checkOauthIparams, type Integration, type OAuthIparamField, referencedNames } from '../app';
import { providerUrlTemplates } from '../app/allowed-hosts';
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

/** The submitted connect form, checked against the integration's oauth_iparams. */
export function checkConnectForm(integration: Integration, form: URLSearchParams): CheckedFields {
  const input: Record<string, string> = {};
  for (const field of integration.oauthIparams) {
    const value = form.get(field.name);
    if (value !== null) input[field.name] = value.trim();
  }
  const checked = checkOauthIparams(integration, input);
  const errors: Record<string, string> = {};
  const labels = new Map(integration.oauthIparams.map((field) => [field.name, field.displayName]));
  for (const problem of checked.problems) {
    const label = labels.get(problem.name) ?? problem.name;
    errors[problem.name] = problem.message.startsWith(`${problem.name} is required`)
      ? `${label} is required.`
      : `${label}: ${problem.message}`;
  }
  const inUrls = urlFieldNames(integration);
  for (const [name, value] of Object.entries(checked.values)) {
    if (value.length > 1024)
      errors[name] = `${labels.get(name) ?? name} is too long (at most 1024 characters).`;
    else if (inUrls.has(name) && !URL_SAFE_VALUE.test(value)) {
      errors[name] =
        `${labels.get(name) ?? name} may contain only letters, digits, '.', '-', '_', '~' and ':' (for example acme.example.com).`;
    }
  }
  const label = (name: string) => labels.get(name) ?? name;
  const hostErrors =
    Object.keys(errors).length > 0 ? {} : providerHostErrors(integration, checked.values, label);
  return { values: checked.values, errors: { ...errors, ...hostErrors } };
}
