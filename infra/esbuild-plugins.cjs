// @ts-check
// esbuild plugins of the deployed bundles (infra/esbuild.config.cjs). All are about module init
// time and size, and apply to every function alike.
const { readFileSync } = require('node:fs');
const { builtinModules } = require('node:module');
const { join } = require('node:path');

const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/**
 * Built-ins that Node does not load at startup and that take 1–5 ms each to load (measured with
 * Node 22): bundled libraries import them at the top for code that may never run at init —
 * Powertools Logger node:crypto for log sampling, middy node:stream, stream/promises and
 * stream/web for streamed responses (health loads none of Node's stream code at init).
 */
const LAZY_BUILTINS = new Set([
  'crypto',
  'dns',
  'fs/promises',
  'http',
  'http2',
  'https',
  'stream',
  'stream/promises',
  'stream/web',
  'tls',
  'zlib',
]);

/*
 * A lazily loaded built-in: an object with no own properties whose prototype forwards every read
 * to the built-in, loaded at the first read. It relies on esbuild's import interop (__toESM, a
 * private helper): its result has the CommonJS exports' prototype and copies only their own
 * properties, and it asks for `__esModule`; so importing it loads nothing, and
 * `import_crypto.randomInt` reads through the prototype. What it cannot do is list the
 * built-in's exports (Object.keys, `export *`): nothing in the bundles does that to these modules.
 */
const LAZY_HELPER = `module.exports = (load) => {
  let loaded;
  const exports = () => (loaded ??= load());
  return Object.create(
    new Proxy({}, {
      get: (_, key) => (key === '__esModule' ? undefined : exports()[key]),
      has: (_, key) => key in exports(),
    }),
  );
};`;

/**
 * Whether a built-in's exports are a function (node:events is EventEmitter, node:stream is Stream).
 * @param {string} name
 */
const callable = (name) => typeof require(`node:${name}`) === 'function';

/**
 * A default import of `name` in `source`: `import Stream from 'node:stream'`.
 * @param {string} name
 * @param {string} source
 */
const defaultImportOf = (name, source) =>
  new RegExp(`import\\s+[\\w$]+\\s*(,\\s*\\{[^}]*\\}\\s*)?from\\s*["'](node:)?${name}["']`).test(source);

/**
 * The module that stands for a built-in in the bundle. Plain, its CommonJS exports as they are.
 * With the `prototype-builtins` trick (see infra/esbuild.config.cjs), an object whose prototype
 * is the built-in — esbuild's interop then has no own property to copy into a getter each — and
 * the costly ones (LAZY_BUILTINS) not loaded before their first use.
 * @param {string} name the built-in without `node:`
 * @param {boolean} prototypeBuiltins
 */
function builtinModuleText(name, prototypeBuiltins) {
  const load = `require(${JSON.stringify(`node:${name}`)})`;
  if (!prototypeBuiltins || (callable(name) && !LAZY_BUILTINS.has(name))) return `module.exports = ${load};`;
  if (LAZY_BUILTINS.has(name)) return `module.exports = require('lazy-builtin')(() => ${load});`;
  return `module.exports = Object.create(${load});`;
}

/**
 * The error of a default import of a lazily loaded built-in whose exports are a function, which
 * the bundle would give as a plain object; undefined when `importer` has none.
 * @param {string} name
 * @param {string} importer
 * @returns {import('esbuild').PartialMessage | undefined}
 */
function lazyDefaultImportError(name, importer) {
  if (!LAZY_BUILTINS.has(name) || !callable(name) || !defaultImportOf(name, readFileSync(importer, 'utf8')))
    return undefined;
  return {
    text: `${importer} default-imports node:${name}, which the bundle loads at first use as an object (not callable): import the names it needs, or take ${name} out of LAZY_BUILTINS in infra/esbuild-plugins.cjs`,
  };
}

/**
 * Node built-ins that bundled ES modules import are loaded with require() (the banner's) instead.
 * An ESM `import … from 'node:http'` makes Node build the built-in's ES module facade, which
 * reads every export — lazy getters included: node:http's loads Node's own undici, 16–29 ms of
 * init for nothing. require() returns the CommonJS exports and runs no getter. Static imports
 * only: a dynamic import() stays one, loaded when it runs.
 *
 * With `prototypeBuiltins` (builtinModuleText): esbuild's interop (__toESM) copies a CommonJS
 * module's own properties into a getter each, which for node:fs, node:process, node:console … is
 * ~0.5 ms of health's init; an object without own properties costs nothing to copy, and every
 * named import still reads the built-in's live export. Built-ins whose exports are a function
 * (node:events) come as they are, so a default import can still be called or extended; a lazily
 * loaded one (node:stream) cannot be, and a default import of it fails the build.
 * @param {{ readonly prototypeBuiltins: boolean }} options
 * @returns {import('esbuild').Plugin}
 */
function builtinsViaRequire({ prototypeBuiltins }) {
  return {
    name: 'builtins-via-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)*$/ }, (args) => {
        if (args.kind !== 'import-statement') return undefined;
        const name = args.path.replace(/^node:/, '');
        if (!BUILTINS.has(name)) return undefined;
        const refused = prototypeBuiltins ? lazyDefaultImportError(name, args.importer) : undefined;
        if (refused !== undefined) return { errors: [refused] };
        return { path: `node:${name}`, namespace: 'builtin-require' };
      });
      build.onResolve({ filter: /^lazy-builtin$/, namespace: 'builtin-require' }, () => ({
        path: 'lazy-builtin',
        namespace: 'builtin-require',
      }));
      build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
        contents:
          args.path === 'lazy-builtin'
            ? LAZY_HELPER
            : builtinModuleText(args.path.slice('node:'.length), prototypeBuiltins),
        loader: 'js',
      }));
    },
  };
}

const EVENT_STREAMS = '@smithy/core/event-streams';
const NO_EVENT_STREAMS = join(__dirname, 'no-event-streams.mjs');
// The generated schemas of an AWS SDK client; an event-stream member carries the trait "streaming".
const CLIENT_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/;

/**
 * The SDK's event-stream support (~15 KB minified) is left out: the protocols import it only to
 * send or read an operation's event stream, and the clients Handshake bundles (DynamoDB, Secrets
 * Manager) have no such operation. Checked, not assumed: a build that bundles a client whose
 * schemas have any streaming member fails here, so the stub can never be hit by a real call.
 */
/** @type {import('esbuild').Plugin} */
const withoutEventStreams = {
  name: 'without-event-streams',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({ path: NO_EVENT_STREAMS }));
    build.onLoad({ filter: CLIENT_SCHEMAS }, (args) => {
      if (!readFileSync(args.path, 'utf8').includes('"streaming"')) return undefined;
      return {
        errors: [
          {
            text: `${args.path} has streaming operations, which need ${EVENT_STREAMS}: remove the without-event-streams plugin from infra/esbuild-plugins.cjs`,
          },
        ],
      };
    });
  },
};

// An AWS SDK client's own package.json, which its runtimeConfig.js imports whole (~2.3 KB each).
const CLIENT_PACKAGE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/**
 * An AWS SDK client reads one field of its package.json, `version` (for the User-Agent header),
 * but imports the whole file, and esbuild cannot drop the rest of a default-imported JSON file.
 * The bundle gets just the name and the version.
 */
/** @type {import('esbuild').Plugin} */
const slimClientPackageJson = {
  name: 'slim-client-package-json',
  setup(build) {
    build.onLoad({ filter: CLIENT_PACKAGE }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

module.exports = { builtinsViaRequire, slimClientPackageJson, withoutEventStreams };
