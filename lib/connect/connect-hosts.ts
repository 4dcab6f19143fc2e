import { type Integration, type NameReference, referencedNames, renderTemplate, type Template } from '../app';
import { formatAllowedHost, providerUrlTemplates, urlAllowed } from '../app/allowed-hosts';
import { urlHostNames } from '../app/host-skeleton';

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
