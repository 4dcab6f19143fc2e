/**
 * The build's step for the app (infra/esbuild.config.cjs): validates the folder as
 * `npm run validate` does and, when it is valid, prints on stdout the JSON object
 * `{ "model": …, "branding": … }`: the JSON texts of the app model in its bundled form
 * (lib/app/bundled.ts), which every bundle carries, and of its branding, which only the bundles
 * that render pages carry (lib/app/branding.ts). Problems are printed one a line, on
 * stdout when the app is invalid (exit 1) and on stderr as warnings otherwise.
 */
import { brandingJson } from '../lib/app/bundled';
import { appModelBundleJson, formatProblemLine, readAppDir, validateApp } from './app';

function main(argv: readonly string[]): number {
  const dir = argv[2] ?? process.env.APP_DIR ?? 'app';
  const { app, problems } = validateApp(readAppDir(dir));
  const lines = problems.map(formatProblemLine);
  if (app === undefined) {
    for (const line of lines) console.log(line);
    return 1;
  }
  for (const line of lines) console.warn(line);
  process.stdout.write(
    JSON.stringify({ model: appModelBundleJson(app), branding: brandingJson(app.branding) }),
  );
  return 0;
}

process.exitCode = main(process.argv);
