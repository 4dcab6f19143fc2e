import type { App, Integration } from '../../../lib/app/model';
import { isRecord } from '../../../lib/app/record';
import { humanize } from '../humanize';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { readIntegration } from './integration';

export const MAX_INTEGRATIONS = 3;
export const DEFAULT_INTEGRATION = 'default';
const INTEGRATION_NAME = /^[A-Za-z0-9_-]+$/;

export interface OauthConfig {
  readonly format: App['oauthConfigFormat'];
  readonly integrations: ReadonlyMap<string, Integration>;
  /** Every well-named integration of the file, valid or not, so that templates naming it are not blamed. */
  readonly names: readonly string[];
}

const ROOT: Where = { file: 'config/oauth_config.json', path: '$' };

function checkAgentCount(entries: readonly [string, unknown][], where: Where, sink: ProblemSink): void {
  const agents = entries
    .filter(([, value]) => isRecord(value) && value.token_type === 'agent')
    .map(([name]) => name);
  if (agents.length > 1) {
    sink.error(
      where,
      `${agents.length} integrations have token_type "agent" (${agents.join(', ')})`,
      'at most one integration with token_type "agent"',
    );
  }
}

function readIntegrationsForm(config: Readonly<Record<string, unknown>>, sink: ProblemSink): OauthConfig {
  const integrations = new Map<string, Integration>();
  for (const key of Object.keys(config)) {
    if (key !== 'integrations') {
      sink.error(
        child(ROOT, key),
        `unknown key "${key}" next to "integrations"`,
        'only "integrations" at the top level; each integration holds its own attributes',
      );
    }
  }
  const where = child(ROOT, 'integrations');
  const raw = config.integrations;
  if (!isRecord(raw)) {
    sink.error(
      where,
      `integrations is ${describeValue(raw)}`,
      'an object of integration names to integrations',
    );
    return { format: 'integrations', integrations, names: [] };
  }
  const entries = Object.entries(raw);
  if (entries.length > MAX_INTEGRATIONS) {
    sink.error(
      where,
      `${entries.length} integrations are configured`,
      `at most ${MAX_INTEGRATIONS} integrations`,
    );
  } else if (entries.length === 0) {
    sink.warning(where, 'no integration is configured', `one to ${MAX_INTEGRATIONS} integrations`);
  }
  checkAgentCount(entries, where, sink);
  for (const [name, value] of entries) {
    const at = child(where, name);
    const named = INTEGRATION_NAME.test(name);
    if (!named) sink.error(at, `integration name "${name}" is not allowed`, 'letters, digits, _ and -');
    // Read even under a bad name: what is wrong inside is wrong under any name.
    const integration = readIntegration(name, value, at, humanize(name), sink);
    if (named && integration !== undefined) integrations.set(name, integration);
  }
  const names = entries.map(([name]) => name).filter((name) => INTEGRATION_NAME.test(name));
  return { format: 'integrations', integrations, names };
}

/**
 * Reads config/oauth_config.json in either form: `{ "integrations": { … } }`, or the older single
 * configuration with its attributes at the top level, which becomes one integration named `default`.
 * `value` is undefined when the file does not exist.
 */
export function readOauthConfig(value: unknown, appName: string, sink: ProblemSink): OauthConfig {
  if (value === undefined) return { format: 'none', integrations: new Map(), names: [] };
  if (!isRecord(value)) {
    sink.error(
      ROOT,
      `the file holds ${describeValue(value)}`,
      'an object: { "integrations": { … } } or one configuration',
    );
    return { format: 'none', integrations: new Map(), names: [] };
  }
  if ('integrations' in value) return readIntegrationsForm(value, sink);
  const integration = readIntegration(DEFAULT_INTEGRATION, value, ROOT, appName, sink);
  return {
    format: 'single',
    integrations: new Map(integration === undefined ? [] : [[DEFAULT_INTEGRATION, integration]]),
    names: [DEFAULT_INTEGRATION],
  };
}
