import { isRecord } from '../../../lib/app/record';
import { CREDENTIALS_PLACEHOLDER } from '../../../lib/oauth/client-credentials';
import { childPath, type Problem } from '../problems';
import { lineAt, lineOfKeys } from './locate';
import { integrationsOf } from './requests';
import { offPlatform } from './warning';

const FILE = 'config/oauth_config.json';
const FDK_CALLBACK = /https?:\/\/oauth\.freshdev\.io[^"\s]*/g;

const integrationPath = (single: boolean, name: string): string =>
  single ? '$' : childPath(childPath('$', 'integrations'), name);
const keysTo = (single: boolean, name: string, ...keys: string[]): string[] =>
  single ? keys : ['integrations', name, ...keys];

function checkIntegration(
  name: string,
  body: Readonly<Record<string, unknown>>,
  single: boolean,
  text: string,
) {
  const found: Problem[] = [];
  const at = (...keys: string[]) => lineOfKeys(text, keysTo(single, name, ...keys));
  const path = (...keys: string[]) => keys.reduce(childPath, integrationPath(single, name));
  const secret = body.client_secret;
  // The value is never quoted: it may be a real secret. The placeholder is the fix, not the finding.
  if (typeof secret === 'string' && !secret.includes('<%') && secret !== CREDENTIALS_PLACEHOLDER) {
    found.push(
      offPlatform(
        FILE,
        at('client_secret'),
        path('client_secret'),
        `the client secret of "${name}" is written in the file, which FDK shipped in the app pack; Handshake takes the client credentials from Secrets Manager, which wins over the file`,
        `printf %s "$SECRET" | npm run secrets -- set ${name} --client-id "$ID", and "${CREDENTIALS_PLACEHOLDER}" here`,
      ),
    );
  }
  const headers = body.options !== null && typeof body.options === 'object' ? body.options : {};
  const authorization = (headers as { customHeaders?: { Authorization?: unknown } }).customHeaders
    ?.Authorization;
  if (typeof authorization === 'string' && /^\s*basic\s/i.test(authorization)) {
    found.push(
      offPlatform(
        FILE,
        at('options', 'customHeaders', 'Authorization'),
        path('options', 'customHeaders', 'Authorization'),
        `"${name}" builds Basic client authentication by hand in options.customHeaders, from credentials in the file`,
        `"handshake": { "client_auth": "client_secret_basic" } on the integration, the credentials in Secrets Manager`,
      ),
    );
  }
  if (body.token_type === 'agent') {
    found.push(
      offPlatform(
        FILE,
        at('token_type'),
        path('token_type'),
        `"${name}" holds a token per agent: FDK asked each agent to authorize in the product, Handshake needs a connect link per agent`,
        `POST /installations/{id}/connect-links with "account": "<agent id>", and that account on every invoke`,
      ),
    );
  }
  return found;
}

/** What of oauth_config.json works differently off the platform: secrets, agents, FDK's redirect URL. */
export function checkOauthConfig(oauthConfig: unknown, text: string): Problem[] {
  const integrations = integrationsOf(oauthConfig);
  const single = isRecord(oauthConfig) && !isRecord(oauthConfig.integrations);
  const found = [...integrations].flatMap(([name, body]) => checkIntegration(name, body, single, text));
  for (const match of text.matchAll(FDK_CALLBACK)) {
    found.push(
      offPlatform(
        FILE,
        lineAt(text, match.index),
        '',
        `${match[0]} is FDK's redirect URL, which Handshake never receives`,
        "register your stage's PUBLIC_URL + /oauth/callback at the provider, in place of (or next to) it",
      ),
    );
  }
  return found;
}
