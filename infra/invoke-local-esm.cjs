// @ts-check
// `serverless invoke local` on this project: runs the very bundle that would be deployed, on the
// state of the `npm start` instance that uses the same HANDSHAKE_DATA_DIR.
//
// - osls loads a handler with require() and only knows `.js` and `.cjs`, while serverless-esbuild
//   writes our ESM bundles as `.mjs` (what Lambda's nodejs22.x loads as ESM without a
//   package.json). Node 22 can require() an ES module, so a one-line `.cjs` per handler does it.
//   The shims live in their own folder so they can never end up in a deployment package.
// - serverless-esbuild changes the working directory to its build folder before the handler
//   runs, so a relative data dir would name a folder that does not exist; and serverless.yml's
//   environment is the deployed one. The data dir is resolved where the command was typed, and
//   the handler gets the same environment as under `npm start` (infra/local-environment.cjs).
const { existsSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { connect } = require('node:net');
const { basename, dirname, join } = require('node:path');
const { dataDirOf, localEnvironment, readRecord } = require('./local-environment.cjs');

/**
 * The part of osls's `serverless` object this plugin uses (osls ships no types).
 * @typedef {{
 *   classes: { Error: new (message: string) => Error },
 *   service: {
 *     provider: { stage: string, environment?: Record<string, unknown> },
 *     functions?: Record<string, { handler?: unknown, environment?: Record<string, unknown> }>,
 *   },
 *   processedInput?: { commands?: string[] },
 *   serviceDir: string,
 *   config: { servicePath: string },
 * }} Serverless
 */

/**
 * Whether something accepts TCP connections at `url` within a second.
 * @param {string} url
 * @returns {Promise<boolean>}
 */
function answers(url) {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port || (protocol === 'https:' ? 443 : 80)),
    });
    /** @param {boolean} ok */
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

class InvokeLocalEsm {
  /** The build folder and its shims, once this command's build ran (useShims). @type {string | undefined} */
  workFolder;

  /**
   * @param {Serverless} serverless
   * @param {Record<string, unknown>} options the command line's options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    // Before any plugin changes them: where the command was typed, and the user's own variables.
    this.cwd = process.cwd();
    this.given = { ...process.env };
    this.hooks = {
      // A deployed value only CloudFormation resolves (a queue's Ref in HANDSHAKE_REFRESH_QUEUES)
      // means nothing here, and osls would try to resolve it in AWS: the local environment
      // below gives the instance's own value instead.
      // osls loads them in its own before:invoke:local:loadEnvVars, which runs before a plugin's.
      initialize: () => this.dropCloudFormationValues(),
      // After osls set serverless.yml's (deployed) environment, before serverless-esbuild builds:
      // a refusal here leaves no esbuild service running.
      'after:invoke:local:loadEnvVars': () => this.useLocalState(),
      // Listed after serverless-esbuild in serverless.yml, so this runs after its build, which
      // pointed serviceDir at the build folder.
      'before:invoke:local:invoke': () => this.useShims(),
      'after:invoke:local:invoke': () => this.removeBuild(),
    };
  }

  /**
   * @param {string} message
   * @returns {never}
   */
  fail(message) {
    throw new this.serverless.classes.Error(message);
  }

  dropCloudFormationValues() {
    const commands = this.serverless.processedInput?.commands ?? [];
    if (commands.join(' ') !== 'invoke local') return;
    const functionName = this.options.function;
    const fn =
      typeof functionName === 'string' ? this.serverless.service.functions?.[functionName] : undefined;
    for (const environment of [this.serverless.service.provider.environment, fn?.environment]) {
      if (environment === undefined) continue;
      for (const [name, value] of Object.entries(environment)) {
        if (typeof value === 'object' && value !== null) environment[name] = '';
      }
    }
  }

  async useLocalState() {
    const dataDir = dataDirOf(this.given, this.cwd);
    const start = `start it with \`HANDSHAKE_DATA_DIR=${dataDir} npm start\` in another terminal, or set HANDSHAKE_DATA_DIR to the data dir of the instance that runs`;
    if (!existsSync(join(dataDir, 'secrets.json')))
      this.fail(`invoke local acts on a local instance's state, and there is none in ${dataDir}: ${start}`);
    const { record, problem } = readRecord(dataDir);
    if (record === undefined)
      this.fail(`invoke local cannot find the instance of ${dataDir} (${problem}): ${start}`);
    const stage = this.serverless.service.provider.stage;
    if (stage !== record.stage)
      this.fail(
        `The instance of ${dataDir} runs stage "${record.stage}", not "${stage}": use --stage ${record.stage}, or another data dir`,
      );
    const given = this.given.AWS_ENDPOINT_URL_DYNAMODB?.trim();
    const dynamodbEndpoint = given ? given : record.dynamodbEndpoint;
    if (!(await answers(dynamodbEndpoint)))
      this.fail(`Nothing answers at ${dynamodbEndpoint}, the DynamoDB of ${dataDir}: ${start}`);
    const publicUrl = this.given.PUBLIC_URL?.trim() ? this.given.PUBLIC_URL.trim() : record.publicUrl;
    Object.assign(
      process.env,
      localEnvironment(this.given, {
        stage,
        dataDir,
        dynamodbEndpoint,
        port: record.port,
        publicUrl,
        ...(record.refresh === undefined ? {} : { refresh: record.refresh }),
      }),
    );
  }

  useShims() {
    const buildDir = this.serverless.serviceDir;
    const shimDir = join(dirname(buildDir), '.invoke-local');
    rmSync(shimDir, { recursive: true, force: true });
    for (const fn of Object.values(this.serverless.service.functions ?? {})) {
      if (typeof fn.handler !== 'string') continue;
      const modulePath = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
      const built = join(buildDir, `${modulePath}.mjs`);
      if (!existsSync(built)) continue;
      const shim = join(shimDir, `${modulePath}.cjs`);
      mkdirSync(dirname(shim), { recursive: true });
      writeFileSync(shim, `module.exports = require(${JSON.stringify(built)});\n`);
    }
    this.workFolder = dirname(shimDir);
    this.serverless.serviceDir = shimDir;
    this.serverless.config.servicePath = shimDir;
  }

  /** The build was this command's own (infra/esbuild.config.cjs): nothing else reads it. */
  removeBuild() {
    // Only a build of its own: an inherited HANDSHAKE_BUILD_DIR may name a running instance's.
    if (this.workFolder === undefined || !basename(this.workFolder).startsWith('run-')) return;
    process.chdir(this.cwd);
    rmSync(this.workFolder, { recursive: true, force: true });
  }
}

module.exports = InvokeLocalEsm;
