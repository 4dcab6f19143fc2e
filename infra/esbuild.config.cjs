// serverless-esbuild options, shared by `npm start` (serverless-offline), `invoke local`,
// `package` and `deploy`. Every build first validates the app folder (an invalid app never
// builds), then inlines the validated app model into the bundle, so a Lambda reads no file and
// runs no validation at cold start.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { builtinsViaRequire, slimClientPackageJson, withoutEventStreams } = require('./esbuild-plugins.cjs');

const root = resolve(__dirname, '..');
const appDir = resolve(root, process.env.APP_DIR || 'app');

/**
 * Validates the app folder (an invalid app never builds) and returns the JSON text of its model,
 * which the bundle carries: a Lambda reads no file and loads no validator at cold start.
 */
function appModel() {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  try {
    return execFileSync(tsx, [join(root, 'scripts', 'app-model.ts'), appDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const out = error.stdout ? error.stdout.toString() : '';
    throw new Error(`The app in ${appDir} is not valid:\n${out}`);
  }
}

module.exports = () => {
  const app = appModel();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return {
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
    alias: { '@aws-sdk/credential-provider-node': join(root, 'infra', 'lambda-credentials.mjs') },
    treeShaking: true,
    plugins: [builtinsViaRequire, withoutEventStreams, slimClientPackageJson],
    // Some bundled dependencies are CommonJS and call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    define: {
      // A string literal (the model's JSON text), so esbuild can fold `typeof __HANDSHAKE_APP__`.
      __HANDSHAKE_APP__: JSON.stringify(app),
      __HANDSHAKE_VERSION__: JSON.stringify(version),
    },
  };
};
