// @ts-check
// The app folder as the build sees it (APP_DIR, default app/): validated once per process by
// tools/app-model.ts and shared by the bundles (infra/esbuild.config.cjs) and the template's
// generated parts (infra/refresh-queues.cjs), so both read the same integrations.
const { execFileSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');

/** @type {Map<string, { model: string, branding: string }>} */
const validated = new Map();

/**
 * Validates the app folder (an invalid app never builds) and returns the JSON texts of its model,
 * which every bundle carries — a Lambda reads no file and loads no validator at cold start —, and
 * of its branding, which only the bundles that import lib/app/branding.ts end up with.
 * @param {string} [appDir]
 * @returns {{ model: string, branding: string }}
 */
function appModel(appDir = resolve(root, process.env.APP_DIR || 'app')) {
  const known = validated.get(appDir);
  if (known !== undefined) return known;
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  try {
    const out = execFileSync(tsx, [join(root, 'tools', 'app-model.ts'), appDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const model = JSON.parse(out);
    validated.set(appDir, model);
    return model;
  } catch (error) {
    const stdout = /** @type {{ stdout?: string | Buffer }} */ (error).stdout;
    const text = stdout ? stdout.toString() : '';
    throw new Error(`The app in ${appDir} is not valid:\n${text}`);
  }
}

/**
 * The names of the app's integrations, in the order of its oauth_config.json.
 * @param {string} [appDir]
 * @returns {string[]}
 */
function integrationNames(appDir) {
  const model = JSON.parse(appModel(appDir).model);
  return model.integrations.map((/** @type {[string, unknown]} */ [name]) => name);
}

module.exports = { appModel, integrationNames };
