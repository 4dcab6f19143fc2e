import { domainIsFixed, skeletonOf } from '../../../lib/app/host-skeleton';
import type { Integration, RequestTemplate } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { referencedNames } from '../../../lib/app/template/names';
import { child, describeValue, type ProblemSink, type Where } from '../problems';

const ROOT: Where = { file: 'config/requests.json', path: '$' };

/**
 * A host read from the account (`<%= account.instance_url %>`) is the provider's answer or the
 * callback's: it is sent to only when the integration's handshake.allowed_hosts names it
 * (lib/invoke/account-facts.ts). Without that list every invoke would be refused, so say so now.
 */
export function checkAccountHosts(
  templates: ReadonlyMap<string, RequestTemplate>,
  integrations: ReadonlyMap<string, Integration>,
  sink: ProblemSink,
): void {
  for (const [name, template] of templates) {
    const integration = template.oauth === undefined ? undefined : integrations.get(template.oauth);
    if (integration === undefined || integration.settings.allowedHosts !== undefined) continue;
    const readsAccount = referencedNames(template.host).some((ref) => ref.root === 'account');
    if (!readsAccount || domainIsFixed(skeletonOf(template.host))) continue;
    sink.error(
      child(ROOT, name, 'schema', 'host'),
      `host ${describeValue(template.host.source)} is read from the account, which then chooses the server that receives the access token, and integration "${integration.name}" declares no handshake.allowed_hosts`,
      `add "allowed_hosts": ["*.example.com"] (the provider's API domains) under the "handshake" key of "${integration.name}", or a literal domain such as <%= account.pod %>.example.com`,
    );
  }
}

/** The oauth_iparams that are secrets: an api_key field, or one the client secret is made of. */
function secretNames(integration: Integration): Set<string> {
  const names = new Set(
    integration.oauthIparams.filter((field) => field.type === 'api_key').map((f) => f.name),
  );
  for (const ref of referencedNames(integration.clientSecret))
    if (ref.root === 'oauth_iparams' && ref.path[0] !== undefined) names.add(ref.path[0]);
  return names;
}

/** An upload's parts (`schema.formData`, `schema.file`): a body the upstream may echo back to the caller. */
function uploadFields(template: RequestTemplate): [string[], Template][] {
  const { upload } = template;
  if (upload === undefined) return [];
  if (upload.kind === 'file') return [[['file', 'ref'], upload.ref]];
  return [
    ...upload.fields.map((part): [string[], Template] => [['formData', 'fields', part.name], part.value]),
    ...upload.files.map((part): [string[], Template] => [
      ['formData', 'files', part.name, 'ref'],
      part.value,
    ]),
  ];
}

/**
 * Every field of a template outside its headers: the URL's, where a value ends up in logs and at
 * every proxy on the way, and an upload's.
 */
const outsideHeaders = (template: RequestTemplate): [string[], Template][] => [
  [['host'], template.host],
  [['path'], template.path],
  ...[...template.query].map(([name, value]): [string[], Template] => [['query', name], value]),
  ...uploadFields(template),
];

/**
 * `account.NAME` for a secret oauth_iparam stays in headers, as a secure iparam does: in a URL
 * it would be logged by every server on the way, and an upload's body may be echoed back.
 */
export function checkAccountSecrets(
  templates: ReadonlyMap<string, RequestTemplate>,
  integrations: ReadonlyMap<string, Integration>,
  sink: ProblemSink,
): void {
  for (const [name, template] of templates) {
    const integration = template.oauth === undefined ? undefined : integrations.get(template.oauth);
    if (integration === undefined) continue;
    const secrets = secretNames(integration);
    for (const [path, field] of outsideHeaders(template)) {
      for (const ref of referencedNames(field)) {
        const fact = ref.path[0];
        if (ref.root !== 'account' || fact === undefined || !secrets.has(fact)) continue;
        sink.error(
          child(ROOT, name, 'schema', ...path),
          `${path.join(' ')} uses account.${fact}, a secret oauth_iparam of "${integration.name}", outside headers`,
          'secret oauth_iparams (api_key fields, the client secret) only in headers',
        );
      }
    }
  }
}
