/**
 * The build's step for the app (infra/esbuild.config.cjs): validates the folder as
 * `npm run validate` does and, when it is valid, prints the app model in its bundled JSON form
 * (lib/app/bundled.ts) on stdout for the bundle to carry. Problems are printed one a line, on
 * stdout when the app is invalid (exit 1) and on stderr as warnings otherwise.
 */
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
  process.stdout.write(appModelBundleJson(app));
  return 0;
}

process.exitCode = main(process.argv);
