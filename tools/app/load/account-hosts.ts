import { domainIsFixed, skeletonOf } from '../../../lib/app/host-skeleton';
import type { Integration, RequestTemplate } from '../../../lib/app/model';
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
