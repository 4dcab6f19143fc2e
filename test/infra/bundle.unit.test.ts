/**
 * What the deployed bundles are made of (infra/esbuild.config.cjs and its plugins): no validator
 * or zod in a Lambda, Node built-ins through require() and the costly ones loaded at first
 * use, and no SDK event-stream code — with a build that refuses a client that would need it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from '../support/local-env';

const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const { REQUIRE_BANNER } = require('../../infra/esbuild.config.cjs') as { REQUIRE_BANNER: string };
type Plugin = NonNullable<BuildOptions['plugins']>[number];
const { builtinsViaRequire, withoutEventStreams } = require('../../infra/esbuild-plugins.cjs') as {
  builtinsViaRequire: (options: { prototypeBuiltins: boolean }) => Plugin;
  withoutEventStreams: Plugin;
};
/** The deployment's plugin for built-ins, its `prototype-builtins` trick on. */
const builtins = builtinsViaRequire({ prototypeBuiltins: true });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

/** The bundle of `entry` (in `dir`), ESM with the deployment's banner and the given plugins. */
async function bundle(entry: string, use: readonly Plugin[]) {
  return build({
    entryPoints: [join(dir, entry)],
    absWorkingDir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: true,
    outfile: join(dir, entry.replace(/\.ts$/, '.mjs')),
    banner: { js: REQUIRE_BANNER },
    plugins: [...use],
    logLevel: 'silent',
  });
}

describe('builtins-via-require', () => {
  it('imports no built-in as an ES module and loads node:crypto only when first used', async () => {
    // Prepare
    write(
      'crypto-user.ts',
      [
        "import { createHash } from 'node:crypto';",
        "import * as path from 'node:path';",
        "export const loadedAtInit = process.moduleLoadList.includes('NativeModule crypto');",
        "export const hash = (text: string) => createHash('sha256').update(text).digest('hex');",
        "export const joined = path.join('a', 'b');",
      ].join('\n'),
    );
    // Act
    await bundle('crypto-user.ts', [builtins]);
    const script = `const m = await import(${JSON.stringify(join(dir, 'crypto-user.mjs'))}); console.log(JSON.stringify([m.loadedAtInit, m.hash('x').slice(0, 8), m.joined, process.moduleLoadList.includes('NativeModule crypto')]));`;
    const out = execFileSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    // Assess
    expect(JSON.parse(out)).toEqual([false, '2d711642', 'a/b', true]);
  });

  it('leaves no static import in the bundle, not even for its require()', async () => {
    // Prepare
    write('http-user.ts', "import { Agent } from 'node:https';\nexport const agent = () => new Agent();\n");
    // Act
    const result = await bundle('http-user.ts', [builtins]);
    // Assess
    expect(result.errors).toEqual([]);
    const text = readFileSync(join(dir, 'http-user.mjs'), 'utf8');
    expect(text).not.toMatch(/^\s*import\b/m);
    expect(text).not.toMatch(/\bimport\s*[{*]|\bimport\s+\w+\s+from\b/);
  });

  it('keeps named imports live and a callable built-in callable, and refuses a default import of a lazy one', async () => {
    // Prepare
    write(
      'eager-user.ts',
      [
        "import { EventEmitter } from 'node:events';",
        "import Emitter from 'node:events';",
        "import * as fs from 'node:fs';",
        "import { sep } from 'node:path';",
        'class Ticker extends Emitter {}',
        'const original = fs.existsSync;',
        "Object.assign(process.getBuiltinModule('node:fs'), { existsSync: () => 'patched' });",
        "export const seen = [new Ticker() instanceof EventEmitter, fs.existsSync('/'), sep];",
        "Object.assign(process.getBuiltinModule('node:fs'), { existsSync: original });",
      ].join('\n'),
    );
    write('stream-default.ts', "import Stream from 'node:stream';\nexport const s = () => new Stream();\n");
    // Act
    await bundle('eager-user.ts', [builtins]);
    const script = `const m = await import(${JSON.stringify(join(dir, 'eager-user.mjs'))}); console.log(JSON.stringify(m.seen));`;
    const out = execFileSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const refused = bundle('stream-default.ts', [builtins]);
    // Assess
    expect(JSON.parse(out)).toEqual([true, 'patched', '/']);
    // node:fs as an object without own properties, so __toESM has nothing to copy.
    const text = readFileSync(join(dir, 'eager-user.mjs'), 'utf8');
    expect(text).toMatch(/Object\.create\(\w*require\("node:fs"\)\)/);
    expect(text).toMatch(/module\.exports = \w*require\("node:events"\);/);
    await expect(refused).rejects.toThrow(/stream-default\.ts default-imports node:stream.*LAZY_BUILTINS/s);
  });

  it("gives bundled CommonJS built-ins from its require() and fails for anything else as Node's does", async () => {
    // Prepare: a CommonJS dependency that requires a built-in and probes an optional package.
    write(
      'node_modules/probe/index.js',
      [
        "const { join } = require('node:path');",
        "const { EventEmitter } = require('events');",
        "const optional = ['not', 'installed'].join('-');",
        'let missing;',
        'try { require(optional); } catch (error) { missing = [error.code, error.message]; }',
        "module.exports = { joined: join('a', 'b'), emitter: typeof EventEmitter, missing };",
      ].join('\n'),
    );
    write('probe-user.ts', "export { default as probe } from 'probe';\n");
    // Act
    await bundle('probe-user.ts', [builtins]);
    const script = `const m = await import(${JSON.stringify(join(dir, 'probe-user.mjs'))}); console.log(JSON.stringify(m.probe));`;
    const out = execFileSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    // Assess
    expect(JSON.parse(out)).toEqual({
      joined: 'a/b',
      emitter: 'function',
      missing: ['MODULE_NOT_FOUND', "Cannot find module 'not-installed'"],
    });
  });
});

describe('without-event-streams', () => {
  it('refuses to build a client whose schemas have a streaming member', async () => {
    // Prepare
    write(
      'node_modules/@aws-sdk/client-fake/package.json',
      '{"name":"@aws-sdk/client-fake","version":"1.0.0","module":"dist-es/index.js"}',
    );
    write(
      'node_modules/@aws-sdk/client-fake/dist-es/index.js',
      'export { schema } from "./schemas/schemas_0.js";',
    );
    write(
      'node_modules/@aws-sdk/client-fake/dist-es/schemas/schemas_0.js',
      'const _st = "streaming";\nexport const schema = [_st];',
    );
    write('fake-user.ts', "import { schema } from '@aws-sdk/client-fake';\nexport const s = schema;\n");
    // Act
    const act = bundle('fake-user.ts', [withoutEventStreams]);
    // Assess
    await expect(act).rejects.toThrow(/client-fake.*streaming operations.*without-event-streams/s);
  });
});

/** infra/esbuild.config.cjs as esbuild options: without serverless-esbuild's own keys. */
function deploymentOptions(): BuildOptions {
  const options = (require('../../infra/esbuild.config.cjs') as () => Record<string, unknown>)();
  const {
    exclude: _exclude,
    outputFileExtension: _extension,
    outputWorkFolder: _workFolder,
    ...esbuildOptions
  } = options;
  return esbuildOptions as BuildOptions;
}

describe('a deployed function bundle', () => {
  it('carries the app model but neither the validator, zod, the SDK event streams nor the endpoint LRU', async () => {
    // Prepare
    const esbuildOptions = deploymentOptions();
    // Act
    const result = await build({
      ...esbuildOptions,
      entryPoints: [join(REPO_ROOT, 'functions', 'invoke.ts')],
      absWorkingDir: REPO_ROOT,
      write: false,
      outdir: join(dir, 'invoke'),
      metafile: true,
      logLevel: 'silent',
    });
    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('lib/app/bundled.ts');
    expect(inputs.filter((input) => input.startsWith('tools/'))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/(zod|mnemonist)\/|event-streams\//.test(input))).toEqual(
      [],
    );
    // lib/egress/ip.ts parses and classifies addresses; ipaddr.js is only a devDependency to test it.
    expect(inputs.filter((input) => input.includes('node_modules/ipaddr.js'))).toEqual([]);
    const code = result.outputFiles.find((file) => /invoke\.m?js$/.test(file.path));
    expect(code?.text).toContain('Service Desk Sync');
    // getApp's branch for unbundled code (the model file) folded away with __HANDSHAKE_APP__.
    expect(code?.text).not.toContain('which does not hold an app model');
    // Adapters wired for other functions only (their lib/wiring/ factories, never called here):
    // the installation store (its batch delete) and the pending store (spending a state).
    expect(code?.text).not.toContain('unprocessed deletes remain after retries');
    expect(code?.text).not.toContain('SET usedAt = :usedAt');
    const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint !== undefined);
    expect(output?.inputs['lib/store/dynamo-due-queue.ts']?.bytesInOutput ?? 0).toBe(0);
  }, 60_000);
});

describe('the branding', () => {
  it('is in the bundles of the functions that render pages, and in no other', async () => {
    // Prepare: the sample app with a logo and an accent colour.
    const app = join(dir, 'branded-app');
    cpSync(join(REPO_ROOT, 'app'), app, { recursive: true });
    const logo = '<svg xmlns="http://www.w3.org/2000/svg"><title>brand-marker</title></svg>';
    writeFileSync(join(app, 'logo.svg'), logo);
    writeFileSync(
      join(app, 'handshake.json'),
      JSON.stringify({ name: 'Branded Desk', branding: { logo: 'logo.svg', accent_color: '#0a7c5a' } }),
    );
    const before = process.env.APP_DIR;
    process.env.APP_DIR = app;
    let esbuildOptions: BuildOptions = {};
    try {
      // The config reads APP_DIR when it is first required: a registry of its own.
      jest.isolateModules(() => {
        esbuildOptions = deploymentOptions();
      });
    } finally {
      if (before === undefined) delete process.env.APP_DIR;
      else process.env.APP_DIR = before;
    }
    const functions = ['connect', 'callback', 'invoke', 'installations', 'refresh', 'deliver', 'health'];
    // Act
    const result = await build({
      ...esbuildOptions,
      entryPoints: functions.map((name) => join(REPO_ROOT, 'functions', `${name}.ts`)),
      absWorkingDir: REPO_ROOT,
      write: false,
      outdir: join(dir, 'branded'),
      logLevel: 'silent',
    });
    // Assess
    const encoded = Buffer.from(logo).toString('base64');
    const carrying = functions.filter((name) =>
      result.outputFiles.find((file) => file.path.endsWith(`${name}.js`))?.text.includes(encoded),
    );
    expect(carrying).toEqual(['connect', 'callback']);
    const invoke = result.outputFiles.find((file) => file.path.endsWith('invoke.js'))?.text;
    expect(invoke).toContain('Branded Desk');
    expect(invoke).not.toContain('#0a7c5a');
  }, 120_000);
});

describe('the deployed health bundle', () => {
  it('answers and logs its JSON line on stdout without loading net or any stream code', async () => {
    // Prepare
    const esbuildOptions = deploymentOptions();
    await build({
      ...esbuildOptions,
      entryPoints: [join(REPO_ROOT, 'functions', 'health.ts')],
      absWorkingDir: REPO_ROOT,
      outdir: join(dir, 'health'),
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    });
    const script = [
      'const before = new Set(process.moduleLoadList);',
      `const { handler } = await import(${JSON.stringify(join(dir, 'health', 'health.mjs'))});`,
      "const event = { routeKey: 'GET /health', rawPath: '/health', headers: {}, requestContext: { requestId: 'req-1', http: { method: 'GET', path: '/health' } } };",
      "const result = await handler(event, { awsRequestId: 'aws-1', functionName: 'handshake-prod-health', getRemainingTimeInMillis: () => 3000 });",
      'const loaded = process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (net|stream|internal\\/streams\\/)/.test(m));',
      "process.getBuiltinModule('node:fs').writeSync(2, JSON.stringify({ status: result.statusCode, loaded }));",
    ].join('\n');
    // Act: a Lambda's environment — no local flags, so the logger writes as it does in AWS.
    const run = spawnSync(NODE, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: 'handshake-prod-health',
        HANDSHAKE_STAGE: 'prod',
        HANDSHAKE_TABLE: 'handshake-prod',
      },
    });
    // Assess
    expect(JSON.parse(run.stderr)).toEqual({ status: 200, loaded: [] });
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request served',
        status: 200,
        correlationId: 'req-1',
      }),
    ]);
  }, 60_000);
});
