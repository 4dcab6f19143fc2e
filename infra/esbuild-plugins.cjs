// esbuild plugins of the deployed bundles (infra/esbuild.config.cjs). All are about module init
// time and size, and apply to every function alike.
const { readFileSync } = require('node:fs');
const { builtinModules } = require('node:module');
const { join } = require('node:path');

const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/**
 * Node built-ins that bundled ES modules import are loaded with require() (the banner's) instead.
 * An ESM `import … from 'node:http'` makes Node build the built-in's ES module facade, which reads
 * every export — lazy getters included: node:http's loads Node's own undici, 16–29 ms of init for
 * nothing. require() returns the CommonJS exports and runs no getter. Static imports only: a
 * dynamic import() stays one, loaded when it runs.
 */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)*$/ }, (args) => {
      if (args.kind !== 'import-statement') return undefined;
      const name = args.path.replace(/^node:/, '');
      if (!BUILTINS.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'builtin-require' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

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
