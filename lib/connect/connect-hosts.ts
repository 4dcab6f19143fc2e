import { type Integration, type NameReference, referencedNames, renderTemplate, type Template } from '../app';
import {
  clientFromInstaller,
  formatAllowedHost,
  providerUrlTemplates,
  urlAllowed,
} from '../app/allowed-hosts';
import { urlHostIsChosen, urlHostNames } from '../app/host-skeleton';

const fieldsOf = (refs: readonly NameReference[]): string[] => [
  ...new Set(
    refs.flatMap((ref) => (ref.root === 'oauth_iparams' && ref.path[0] !== undefined ? [ref.path[0]] : [])),
  ),
];

/** The oauth_iparams that make up the URL's host — else all the URL uses: the fields to blame. */
function hostFields(template: Template): string[] {
  const inHost = fieldsOf(urlHostNames(template));
  return inHost.length > 0 ? inHost : fieldsOf(referencedNames(template));
}

/**
 * Checks the provider URLs as the entered values render them, before any state exists: each must
 * parse, and with `handshake.allowed_hosts` its host must match. Errors are keyed by the fields
 * that make up the host; `label` names a field. `partial`: only the URLs these values complete.
 */
export function providerHostErrors(
  integration: Integration,
  values: Readonly<Record<string, string>>,
  label: (field: string) => string,
  partial = false,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const patterns = integration.settings.allowedHosts;
  const templates = providerUrlTemplates(integration);
  for (const template of templates) {
    // Pre-filled values alone: a URL that also needs a field typed later is checked then.
    if (partial && !fieldsOf(referencedNames(template)).every((field) => Object.hasOwn(values, field)))
      continue;
    let message: ((field: string) => string) | undefined;
    try {
      const url = new URL(renderTemplate(template, { oauth_iparams: values }));
      if (patterns !== undefined && !urlAllowed(patterns, url)) {
        const allowed = patterns.map(formatAllowedHost).join(', ');
        message = (field) => `${label(field)} must lead to a server this app allows (${allowed}).`;
      }
    } catch {
      message = (field) => `${label(field)} does not make a valid server address.`;
    }
    if (message === undefined) continue;
    for (const field of hostFields(template)) errors[field] ??= message(field);
  }
  return errors;
}

/**
 * Without allowed_hosts, a host the installer chooses is tolerated only because the client
 * secret is theirs too (`clientFromInstaller`). A link that pre-fills the secret but leaves the
 * host to the person would send the backend's secret wherever the person types: the fields
 * that choose such a host must then be pre-filled as well. Undefined when the values may go.
 */
export function prefilledSecretProblem(
  integration: Integration,
  given: Readonly<Record<string, unknown>>,
): Record<string, string> | undefined {
  if (integration.settings.allowedHosts !== undefined || !clientFromInstaller(integration)) return undefined;
  const [secret] = fieldsOf(referencedNames(integration.clientSecret));
  if (secret === undefined || !Object.hasOwn(given, secret)) return undefined;
  const open = providerUrlTemplates(integration)
    .filter(urlHostIsChosen)
    .flatMap(hostFields)
    .filter((field) => !Object.hasOwn(given, field));
  if (open.length === 0) return undefined;
  const named = [...new Set(open)].map((field) => `oauth_iparams.${field}`).join(', ');
  return {
    [secret]: `oauth_iparams.${secret} (the client secret) may be pre-filled only together with ${named}, which choose the server it is sent to, or with handshake.allowed_hosts declared.`,
  };
}
