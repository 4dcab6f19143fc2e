// @ts-check
// serverless-esbuild options, shared by `npm start` (serverless-offline), `invoke local`,
// `package` and `deploy`. Every build first validates the app folder (an invalid app never
// builds), then inlines the validated app model into the bundle, so a Lambda reads no file and
// runs no validation at cold start.
const { existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { appModel } = require('./app-model.cjs');
const { builtinsViaRequire, slimClientPackageJson, withoutEventStreams } = require('./esbuild-plugins.cjs');

const root = resolve(__dirname, '..');

/**
 * The bundle tricks, each with the dependencies whose internals it relies on to buy init time:
 * so each has a name, those versions pinned exactly in package.json, and a test that fails the day
 * it stops working (test/infra/bundle-tricks.unit.test.ts). All are on; HANDSHAKE_BUNDLE_TRICKS
 * names the ones to use (comma-separated, or `none`) to measure what they buy:
 * `HANDSHAKE_BUNDLE_TRICKS=none npm run bench -- cold-start`. See docs/DECISIONS.md#bundle-tricks.
 */
const BUNDLE_TRICKS = {
  /** Powertools Logger and Metrics write through lib/observability/stdio.ts (their private setConsole()). */
  'stdio-sink': ['@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics'],
  /** Built-ins as objects over the built-in, the costly ones lazy (esbuild's private __toESM). */
  'prototype-builtins': ['esbuild'],
};

/** @typedef {keyof typeof BUNDLE_TRICKS} BundleTrick */

/**
 * The tricks `raw` (HANDSHAKE_BUNDLE_TRICKS) names: all when it is unset or empty.
 * @param {string | undefined} raw
 * @returns {ReadonlySet<BundleTrick>}
 */
function bundleTricks(raw) {
  const all = /** @type {BundleTrick[]} */ (Object.keys(BUNDLE_TRICKS));
  if (raw === undefined || raw.trim() === '') return new Set(all);
  if (raw.trim() === 'none') return new Set();
  const named = raw.split(',').map((name) => name.trim());
  const unknown = named.filter((name) => !(name in BUNDLE_TRICKS));
  if (unknown.length > 0)
    throw new Error(
      `HANDSHAKE_BUNDLE_TRICKS: unknown ${unknown.join(', ')}; the tricks are ${all.join(', ')}, or none`,
    );
  return new Set(/** @type {BundleTrick[]} */ (named));
}

/**
 * The `require` of the bundled CommonJS code and of the builtins-via-require plugin. Everything
 * but Node's built-ins is bundled, so it only ever needs a built-in: process.getBuiltinModule
 * (Node >= 22.3) gives one without a static `import … from 'node:module'`, whose ES module
 * facade and createRequire cost about 1 ms of every function's init. Anything else throws as
 * require() would.
 */
const REQUIRE_BANNER =
  'const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) ' +
  'throw Object.assign(new Error("Cannot find module \'" + id + "\'"), { code: "MODULE_NOT_FOUND" }); return m; };';

const { BUILDS } = require('./local-environment.cjs');

/** @param {number} pid */
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
};

/** Folders of commands that stopped before cleaning up (an `invoke local` whose handler threw). */
function removeAbandonedRuns() {
  const builds = join(root, BUILDS);
  if (!existsSync(builds)) return;
  for (const name of readdirSync(builds)) {
    const pid = /^run-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid)))
      rmSync(join(builds, name), { recursive: true, force: true });
  }
}

/**
 * This build's work folder, relative to the checkout. serverless-esbuild deletes its work folder
 * after `package` and `deploy`, and every build rewrites it: one shared folder would let a
 * package, an `invoke local` or a second `npm start` (another APP_DIR) replace or delete the
 * bundles a running instance serves. So `npm start` names one per instance
 * (HANDSHAKE_BUILD_DIR, keyed by its data dir) and any other command gets one of its own.
 */
function workFolder() {
  const given = process.env.HANDSHAKE_BUILD_DIR;
  if (given === undefined || given === '') {
    removeAbandonedRuns();
    return `${BUILDS}/run-${process.pid}`;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(given))
    throw new Error(`HANDSHAKE_BUILD_DIR must be a folder name of letters, digits, _ and -, got "${given}"`);
  return `${BUILDS}/${given}`;
}

/**
 * The options serverless-esbuild takes: esbuild's, and its own (work folder, exclude, extension).
 * @typedef {import('esbuild').BuildOptions & {
 *   outputWorkFolder: string,
 *   exclude: string[],
 *   outputFileExtension: '.mjs',
 * }} ServerlessEsbuildOptions
 */

/** @returns {ServerlessEsbuildOptions} */
module.exports = () => {
  const tricks = bundleTricks(process.env.HANDSHAKE_BUNDLE_TRICKS);
  const app = appModel();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return {
    outputWorkFolder: workFolder(),
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outputFileExtension: '.mjs',
    mainFields: ['module', 'main'],
    // Bundle the AWS SDK v3 too: only the single-service clients a function imports end up in it.
    exclude: [],
    alias: {
      '@aws-sdk/credential-provider-node': join(root, 'infra', 'lambda-credentials.mjs'),
      '@aws-sdk/endpoint-cache': join(root, 'infra', 'endpoint-cache.mjs'),
    },
    treeShaking: true,
    // Comments marked @license/@preserve go to a .LEGAL.txt file next to the bundle instead of its
    // end: in these bundles they are only Powertools' `v8 ignore` coverage pragmas (458 bytes).
    legalComments: 'external',
    plugins: [
      builtinsViaRequire({ prototypeBuiltins: tricks.has('prototype-builtins') }),
      withoutEventStreams,
      slimClientPackageJson,
    ],
    banner: { js: REQUIRE_BANNER },
    define: {
      // String literals (JSON texts), so esbuild can fold `typeof __HANDSHAKE_APP__`. A define is
      // inlined only where it is read: the branding (a logo) only into the page functions.
      __HANDSHAKE_APP__: JSON.stringify(app.model),
      __HANDSHAKE_BRANDING__: JSON.stringify(app.branding),
      __HANDSHAKE_VERSION__: JSON.stringify(version),
      __HANDSHAKE_STDIO_SINK__: JSON.stringify(tricks.has('stdio-sink')),
    },
  };
};

module.exports.BUNDLE_TRICKS = BUNDLE_TRICKS;
module.exports.bundleTricks = bundleTricks;
module.exports.REQUIRE_BANNER = REQUIRE_BANNER;
module.exports.BUILDS = BUILDS;
