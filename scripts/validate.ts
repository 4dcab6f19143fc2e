/**
 * `npm run validate [-- DIR]`: checks an app folder like `fdk validate` does. One line per problem
 * (errors first), then a summary; exits 1 when there is an error. The build runs it before bundling.
 */
import { formatProblemLine, readAppDir } from '../lib/app';
import { validateApp } from '../lib/app/load-folder';

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function main(argv: readonly string[]): number {
  // Not lib/config.ts: validation must run without any deployment configuration.
  const dir = argv[2] ?? process.env.APP_DIR ?? 'app';
  const shown = `${dir.replace(/\/+$/, '')}/`;
  const { app, problems } = validateApp(readAppDir(dir));
  for (const problem of problems) console.log(formatProblemLine(problem));
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  const warningNote = warnings === 0 ? '' : ` (${plural(warnings, 'warning')})`;
  if (app === undefined || errors > 0) {
    console.log(`✗ ${shown} is invalid: ${plural(errors, 'error')}${warningNote}`);
    return 1;
  }
  const counts = [
    plural(app.integrations.size, 'integration'),
    plural(app.templates.size, 'template'),
    plural(app.iparams.size, 'iparam'),
  ].join(', ');
  console.log(`✓ ${shown} is valid: ${counts}${warningNote}`);
  return 0;
}

process.exitCode = main(process.argv);
