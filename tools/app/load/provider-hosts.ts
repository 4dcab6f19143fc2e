import {
  formatAllowedHost,
  hostFromAccount,
  needsAllowedHosts,
  urlAllowed,
} from '../../../lib/app/allowed-hosts';
import type { Integration } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { isStatic } from '../../../lib/app/template/parse';
import { renderTemplate } from '../../../lib/app/template/render';
import { describeValue, type ProblemSink, type Where } from '../problems';

type Client = Pick<Integration, 'clientId' | 'clientSecret'>;

export interface ProviderUrl {
  /** `authorize_url`, `token_url`, `revocation_url` or `refresh_url`, as the file names it. */
  readonly label: string;
  readonly template: Template;
  readonly where: Where;
}

/** What the server at each URL receives, for the message. */
const RECEIVES: Readonly<Record<string, string>> = {
  authorize_url: 'the person and the authorization request',
  token_url: 'the code exchange with the client secret and the PKCE verifier',
  revocation_url: 'the refresh token with the client secret',
  refresh_url: 'the refresh token with the client secret',
};

const WAYS_OUT =
  'add "allowed_hosts": ["*.example.com"] (the provider\'s domain) under the integration\'s "handshake" key, or take both client_id and client_secret from oauth_iparams (the installer\'s own OAuth app)';

function checkUrl(
  url: ProviderUrl,
  client: Client,
  patterns: Integration['settings']['allowedHosts'],
  sink: ProblemSink,
): void {
  const quoted = describeValue(url.template.source);
  if (patterns === undefined) {
    if (needsAllowedHosts(client, url.template) && hostFromAccount(url.template)) {
      sink.error(
        url.where,
        `${url.label} ${quoted} takes its whole host from the account (a callback parameter or a token-response field), which receives ${RECEIVES[url.label] ?? 'the request'}; such a host must be limited by handshake.allowed_hosts`,
        'add "allowed_hosts": ["*.example.com"] (the provider\'s domains) under the integration\'s "handshake" key',
      );
    } else if (needsAllowedHosts(client, url.template)) {
      sink.error(
        url.where,
        `${url.label} ${quoted} lets the person who connects choose the whole host, which receives ${RECEIVES[url.label] ?? 'the request'}; such a host must be limited by handshake.allowed_hosts`,
        WAYS_OUT,
      );
    }
    return;
  }
  // A fixed URL outside the patterns could never be reached: say so now, not at the first connect.
  if (!isStatic(url.template)) return;
  let parsed: URL;
  try {
    parsed = new URL(renderTemplate(url.template, {}));
  } catch {
    return; // reported as "not an absolute URL" already
  }
  if (!urlAllowed(patterns, parsed)) {
    sink.error(
      url.where,
      `${url.label} ${quoted} has host ${parsed.host}, which handshake.allowed_hosts does not allow`,
      `a host matching ${patterns.map(formatAllowedHost).join(', ')}`,
    );
  }
}

/**
 * The provider URLs of an integration against `handshake.allowed_hosts` (SPEC §6): a host the
 * installer's oauth_iparams make up wholly needs declared patterns, unless the client is theirs.
 */
export function checkProviderHosts(
  urls: readonly ProviderUrl[],
  client: Client,
  settings: Pick<Integration['settings'], 'allowedHosts'>,
  sink: ProblemSink,
): void {
  for (const url of urls) checkUrl(url, client, settings.allowedHosts, sink);
}
