// @ts-check
// The environment a handler runs with on this machine, and how a local instance is found again.
// `npm start` (tools/start.ts) and `serverless invoke local` (infra/invoke-local-esm.cjs) both
// use this module, so an `invoke local` acts on exactly the state of the instance that runs on
// the same data dir: same table, same DynamoDB Local, same secrets file, same public URL.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

/** Loopback only: local providers and APIs work, nothing else private is reachable. */
const LOCAL_EGRESS_ALLOW = '127.0.0.0/8,::1/128,localhost';
const DEFAULT_DATA_DIR = '.handshake';
/** Where every build of this checkout writes its own folder (git-ignored; esbuild.config.cjs). */
const BUILDS = '.esbuild';
/** In the data dir: what `npm start` started, for `invoke local` to find. */
const RECORD_FILE = 'local.json';

/** @typedef {Readonly<Record<string, string | undefined>>} Env */
/**
 * What `npm start` records in its data dir for `invoke local`; `refresh` when it runs the local
 * SQS server with the integrations' refresh queues (the fan-out), not when it was turned off.
 * @typedef {{ readonly sqsEndpoint: string, readonly queues: Readonly<Record<string, string>> }} LocalRefreshQueues
 * @typedef {{ readonly dynamodbEndpoint: string, readonly port: number, readonly publicUrl: string, readonly stage: string, readonly refresh?: LocalRefreshQueues }} LocalRecord
 */
/** @typedef {LocalRecord & { readonly dataDir: string }} LocalInstance */

/** @param {string | undefined} value */
const nonEmpty = (value) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * The data dir `env` names, made absolute against `cwd` (the repository root under npm).
 * @param {Env} env
 * @param {string} cwd
 * @returns {string}
 */
function dataDirOf(env, cwd) {
  return resolve(cwd, nonEmpty(env.HANDSHAKE_DATA_DIR) ?? DEFAULT_DATA_DIR);
}

/**
 * The build folder of the instance on `dataDir` (see infra/esbuild.config.cjs).
 * @param {string} dataDir
 * @returns {string}
 */
function buildFolderOf(dataDir) {
  return `local-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

/**
 * @param {string} dataDir
 * @param {LocalRecord} record
 * @returns {void}
 */
function writeRecord(dataDir, record) {
  writeFileSync(join(dataDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The record `npm start` left in `dataDir`, or a sentence saying why there is none usable.
 * @param {string} dataDir
 * @returns {{ record: LocalRecord, problem?: undefined } | { record?: undefined, problem: string }}
 */
function readRecord(dataDir) {
  const file = join(dataDir, RECORD_FILE);
  if (!existsSync(file)) return { problem: `there is no ${file}` };
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { problem: `${file} is not JSON` };
  }
  if (!isLocalRecord(parsed))
    return { problem: `${file} was written by an older version: start npm start once again` };
  return { record: parsed };
}

/**
 * @param {unknown} value
 * @returns {value is LocalRecord}
 */
function isLocalRecord(value) {
  if (typeof value !== 'object' || value === null) return false;
  const fields = /** @type {Record<string, unknown>} */ (value);
  return (
    typeof fields.dynamodbEndpoint === 'string' &&
    Number.isInteger(fields.port) &&
    typeof fields.publicUrl === 'string' &&
    typeof fields.stage === 'string' &&
    (fields.refresh === undefined || isRefreshQueues(fields.refresh))
  );
}

/**
 * @param {unknown} value
 * @returns {value is LocalRefreshQueues}
 */
function isRefreshQueues(value) {
  if (typeof value !== 'object' || value === null) return false;
  const fields = /** @type {Record<string, unknown>} */ (value);
  return (
    typeof fields.sqsEndpoint === 'string' &&
    typeof fields.queues === 'object' &&
    fields.queues !== null &&
    Object.values(fields.queues).every((url) => typeof url === 'string')
  );
}

/**
 * The fan-out's variables: on, with the local queues, when the instance runs them; off (the
 * sweep refreshes in-process) when it does not — there is no queue to send to.
 * @param {LocalRefreshQueues | undefined} refresh
 * @returns {Record<string, string>}
 */
function refreshEnvironment(refresh) {
  if (refresh === undefined) return { HANDSHAKE_REFRESH_FAN_OUT: 'off', HANDSHAKE_REFRESH_QUEUES: '{}' };
  return {
    HANDSHAKE_REFRESH_FAN_OUT: 'on',
    HANDSHAKE_REFRESH_QUEUES: JSON.stringify(refresh.queues),
    AWS_ENDPOINT_URL_SQS: refresh.sqsEndpoint,
  };
}

/**
 * The variables a handler needs locally, over what the user set: `given` wins where it names a
 * value (an egress allow list, a region), the rest is the instance's.
 * @param {Env} given
 * @param {LocalInstance} instance
 * @returns {Record<string, string>}
 */
function localEnvironment(given, instance) {
  return {
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_STAGE: instance.stage,
    HANDSHAKE_TABLE: `handshake-${instance.stage}`,
    HANDSHAKE_DATA_DIR: instance.dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    AWS_ENDPOINT_URL_DYNAMODB: instance.dynamodbEndpoint,
    PUBLIC_URL: instance.publicUrl,
    PORT: String(instance.port),
    HANDSHAKE_EGRESS_ALLOW: given.HANDSHAKE_EGRESS_ALLOW ?? LOCAL_EGRESS_ALLOW,
    AWS_REGION: nonEmpty(given.AWS_REGION) ?? 'us-east-1',
    // Handlers reach only DynamoDB Local and the secrets file; the SDK still wants credentials.
    AWS_ACCESS_KEY_ID: nonEmpty(given.AWS_ACCESS_KEY_ID) ?? 'local',
    AWS_SECRET_ACCESS_KEY: nonEmpty(given.AWS_SECRET_ACCESS_KEY) ?? 'local',
    // Powertools' metrics are CloudWatch EMF blobs: noise in a terminal unless asked for.
    POWERTOOLS_METRICS_DISABLED: given.POWERTOOLS_METRICS_DISABLED ?? 'true',
    ...refreshEnvironment(instance.refresh),
  };
}

module.exports = {
  BUILDS,
  LOCAL_EGRESS_ALLOW,
  buildFolderOf,
  dataDirOf,
  localEnvironment,
  readRecord,
  writeRecord,
};
