import { resolve } from 'node:path';

/**
 * Every environment variable Handshake reads, parsed once. Nothing else reads process.env:
 * a missing or malformed variable fails the cold start with a message that names it.
 */
export interface Config {
  /** Running on this machine (serverless-offline, `invoke local`, tests), not in AWS. */
  readonly local: boolean;
  readonly stage: string;
  readonly region: string;
  readonly tableName: string;
  /** DynamoDB endpoint override; undefined means the SDK's default (AWS). */
  readonly dynamodbEndpoint: string | undefined;
  readonly secretSource: 'aws' | 'file';
  /** Secrets Manager names are `${secretPrefix}/${name}`. */
  readonly secretPrefix: string;
  readonly dataDir: string;
  /** The app model's JSON file, read by unbundled code only: a bundle carries its model (lib/app). */
  readonly appModelFile: string | undefined;
  readonly port: number;
  readonly publicUrl: string;
  /** Raw `HANDSHAKE_EGRESS_ALLOW` entries (host[:port] names and CIDRs), parsed by lib/egress. */
  readonly egressAllow: readonly string[];
  /** False when PUBLIC_URL is unset: a deployed function then uses the domain it was called on. */
  readonly publicUrlGiven: boolean;
  readonly rateLimitPerMinute: number;
  /** The whole invoke, retries included: 15–30 s (API Gateway answers within 30 s). */
  readonly invokeTimeoutSeconds: number;
  readonly webhookUrl: string | undefined;
  /** Refreshes in flight at once in one scheduled sweep (when it refreshes in-process). */
  readonly refreshConcurrency: number;
  /**
   * Whether the sweep sends due keys to the refresh queues (a worker per integration refreshes
   * them) instead of refreshing in-process: on by default in AWS, off on this machine unless
   * `npm start` runs its local queue.
   */
  readonly refreshFanOut: boolean;
  /** Each integration's refresh queue URL (HANDSHAKE_REFRESH_QUEUES, set by serverless.yml). */
  readonly refreshQueues: ReadonlyMap<string, string>;
  /** SQS endpoint override (the local queue); undefined means the SDK's default (AWS). */
  readonly sqsEndpoint: string | undefined;
  /** Transient refresh failures lasting this long are reported as `account.refresh_failing`. */
  readonly failingAfterMinutes: number;
  readonly version: string;
}

/** Names the app model file of code run without a bundle (tests, scripts); tools/app writes it. */
export const APP_MODEL_VARIABLE = 'HANDSHAKE_APP_MODEL';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(name: string, raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
}

declare const __HANDSHAKE_VERSION__: string | undefined;
const bundledVersion = (): string | undefined =>
  typeof __HANDSHAKE_VERSION__ === 'string' ? __HANDSHAKE_VERSION__ : undefined;

/** Running on this machine (serverless-offline, `invoke local`, tests), not in AWS. Never throws. */
export const runsLocally = (env: Env = process.env): boolean =>
  env.IS_OFFLINE === 'true' ||
  env.IS_LOCAL === 'true' ||
  env.HANDSHAKE_LOCAL === '1' ||
  env.NODE_ENV === 'test';

function secretSourceKind(env: Env, local: boolean): 'aws' | 'file' {
  const raw = nonEmpty(env.HANDSHAKE_SECRET_SOURCE) ?? (local ? 'file' : 'aws');
  if (raw !== 'aws' && raw !== 'file') {
    throw new ConfigError('HANDSHAKE_SECRET_SOURCE', `must be "aws" or "file", got "${raw}"`);
  }
  return raw;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(name, `must be "on" or "off", got "${raw}"`);
  return raw === 'on';
}

/** `{"<integration>": "<queue URL>", …}`: the JSON object serverless.yml builds from its queues. */
function queueMap(env: Env, name: string): ReadonlyMap<string, string> {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be a JSON object of integration names to queue URLs, and is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(name, 'must be a JSON object of integration names to queue URLs');
  const queues = new Map(
    Object.entries(parsed).map(([integration, value]) => {
      if (typeof value !== 'string')
        throw new ConfigError(name, `must map "${integration}" to a queue URL, got ${typeof value}`);
      return [integration, url(name, value)];
    }),
  );
  // The sweep holds an integration whose queue still has messages: a queue shared by two would
  // hold both on the other's backlog, and one provider's outage would stall them together.
  const owners = new Map<string, string>();
  for (const [integration, queue] of queues) {
    const other = owners.get(queue);
    if (other !== undefined)
      throw new ConfigError(name, `gives "${other}" and "${integration}" the same queue; each needs its own`);
    owners.set(queue, integration);
  }
  return queues;
}

const optionalPath = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : resolve(value);

const optionalUrl = (name: string, value: string | undefined): string | undefined =>
  value === undefined ? undefined : url(name, value);

/** `HANDSHAKE_EGRESS_ALLOW` split into its entries (lib/egress parses them; so does the deploy's security group). */
export const egressAllowEntries = (env: Env): string[] =>
  (env.HANDSHAKE_EGRESS_ALLOW ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export function loadConfig(env: Env = process.env): Config {
  const local = runsLocally(env);
  const stage = nonEmpty(env.HANDSHAKE_STAGE) ?? 'dev';
  const dataDir = resolve(nonEmpty(env.HANDSHAKE_DATA_DIR) ?? '.handshake');
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const tableName = nonEmpty(env.HANDSHAKE_TABLE) ?? (local ? `handshake-${stage}` : undefined);
  if (tableName === undefined) throw new ConfigError('HANDSHAKE_TABLE', 'is not set');
  // Under `npm start` and `invoke local` the endpoint is always given (infra/local-environment.cjs).
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_DYNAMODB) ?? (local ? 'http://127.0.0.1:8000' : undefined);
  return {
    local,
    stage,
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    tableName,
    dynamodbEndpoint: optionalUrl('AWS_ENDPOINT_URL_DYNAMODB', endpoint),
    secretSource: secretSourceKind(env, local),
    secretPrefix: nonEmpty(env.HANDSHAKE_SECRET_PREFIX) ?? `handshake/${stage}`,
    dataDir,
    appModelFile: optionalPath(nonEmpty(env[APP_MODEL_VARIABLE])),
    port,
    publicUrl: url('PUBLIC_URL', nonEmpty(env.PUBLIC_URL) ?? `http://localhost:${port}`),
    publicUrlGiven: nonEmpty(env.PUBLIC_URL) !== undefined,
    egressAllow: egressAllowEntries(env),
    rateLimitPerMinute: integer(env, 'HANDSHAKE_RATE_LIMIT_PER_MINUTE', 50, 0, 1_000_000),
    invokeTimeoutSeconds: integer(env, 'HANDSHAKE_INVOKE_TIMEOUT_SECONDS', 15, 15, 30),
    webhookUrl: optionalUrl('HANDSHAKE_WEBHOOK_URL', nonEmpty(env.HANDSHAKE_WEBHOOK_URL)),
    refreshConcurrency: integer(env, 'HANDSHAKE_REFRESH_CONCURRENCY', 32, 1, 1000),
    failingAfterMinutes: integer(env, 'HANDSHAKE_FAILING_AFTER_MINUTES', 15, 0, 1440),
    refreshFanOut: onOff(env, 'HANDSHAKE_REFRESH_FAN_OUT', !local),
    refreshQueues: queueMap(env, 'HANDSHAKE_REFRESH_QUEUES'),
    sqsEndpoint: optionalUrl('AWS_ENDPOINT_URL_SQS', nonEmpty(env.AWS_ENDPOINT_URL_SQS)),
    version: bundledVersion() ?? nonEmpty(env.npm_package_version) ?? '0.0.0-dev',
  };
}

let cached: Config | undefined;

/** The process-wide configuration, parsed on first use (at cold start in a Lambda). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

/** Tests only: forget the parsed configuration so the next call re-reads the environment. */
export function resetConfigForTests(): void {
  cached = undefined;
}
