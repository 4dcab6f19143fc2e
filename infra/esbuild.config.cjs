// serverless-esbuild options, shared by `npm start` (serverless-offline), `invoke local`,
// `package` and `deploy`. Every build first validates the app folder (an invalid app never
// builds), then inlines its files into the bundle so a Lambda reads no file at cold start.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const appDir = resolve(root, process.env.APP_DIR || 'app');
// Keep in step with lib/app/files.ts: the files an app folder may hold.
const APP_FILES = [
  'manifest.json',
  'config/oauth_config.json',
  'config/requests.json',
  'config/iparams.json',
  'handshake.json',
];

function validateApp() {
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  try {
    execFileSync(tsx, [join(root, 'scripts', 'validate.ts'), appDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    });
  } catch (error) {
    const out = error.stdout ? error.stdout.toString() : '';
    throw new Error(`The app in ${appDir} is not valid:\n${out}`);
  }
}

function appFiles() {
  const files = {};
  for (const name of APP_FILES) {
    const path = join(appDir, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  return { root: appDir, files };
}

module.exports = () => {
  validateApp();
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
    // Some bundled dependencies are CommonJS and call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    define: {
      __HANDSHAKE_APP__: JSON.stringify(appFiles()),
      __HANDSHAKE_VERSION__: JSON.stringify(version),
    },
  };
};
