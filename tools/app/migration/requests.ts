import { isRecord } from '../../../lib/app/record';
import { childPath, type Problem } from '../problems';
import { lineOfKeys } from './locate';
import { offPlatform } from './warning';

const FILE = 'config/requests.json';
const EXPRESSION = '<%';

type Json = Readonly<Record<string, unknown>>;

/** The integrations of an oauth_config.json by name; the single form is the integration "default". */
export function integrationsOf(oauthConfig: unknown): ReadonlyMap<string, Json> {
  if (!isRecord(oauthConfig)) return new Map();
  if (!isRecord(oauthConfig.integrations)) return new Map([['default', oauthConfig]]);
  const found = new Map<string, Json>();
  for (const [name, body] of Object.entries(oauthConfig.integrations))
    if (isRecord(body)) found.set(name, body);
  return found;
}

/**
 * A value in the path: FDK puts the text in as it is; Handshake renders it as text too but checks
 * the result before anything is sent (issue 17), so a value FDK would have sent may be refused.
 */
function checkPath(name: string, schema: Json, text: string): Problem[] {
  const path = schema.path;
  if (typeof path !== 'string' || !path.includes(EXPRESSION)) return [];
  const literal = path.slice(0, path.indexOf(EXPRESSION));
  const start = literal === '' ? 'the path' : `"${literal}"`;
  return [
    offPlatform(
      FILE,
      lineOfKeys(text, [name, 'schema', 'path']),
      childPath(childPath(childPath('$', name), 'schema'), 'path'),
      `path ${JSON.stringify(path)} takes a value: FDK sends any value, Handshake refuses (400 APP, nothing sent) one that would leave ${start}`,
      'values with no ".." segment, no "%2f", "%2e" or "%5c", no backslash, no control character and no "#"',
    ),
  ];
}

/** An agent integration: FDK knew the agent from the product; off the platform each call names it. */
function checkAgentToken(name: string, options: Json, integrations: ReadonlyMap<string, Json>, text: string) {
  const integration =
    typeof options.oauth === 'string' ? options.oauth : options.isOAuth === true ? 'default' : '';
  if (integrations.get(integration)?.token_type !== 'agent') return [];
  return [
    offPlatform(
      FILE,
      lineOfKeys(text, [name, 'options']),
      childPath(childPath('$', name), 'options'),
      `template "${name}" uses the agent-level integration "${integration}": FDK picked the agent's token from the product, Handshake cannot know which agent is calling`,
      `"account": "<agent id>" in every invoke of "${name}" (and on the agent's connect link)`,
    ),
  ];
}

/** The templates whose behaviour differs off the platform. */
export function checkRequests(requests: unknown, oauthConfig: unknown, text: string): Problem[] {
  if (!isRecord(requests)) return [];
  const integrations = integrationsOf(oauthConfig);
  return Object.entries(requests).flatMap(([name, template]) => {
    if (!isRecord(template)) return [];
    const schema = isRecord(template.schema) ? template.schema : {};
    const options = isRecord(template.options) ? template.options : {};
    return [...checkPath(name, schema, text), ...checkAgentToken(name, options, integrations, text)];
  });
}
