/**
 * `npm run validate [-- DIR]`: checks an app folder like `fdk validate` does. One line per problem
 * (errors first), then a summary; exits 1 when there is an error. The build runs it before bundling.
 */
import { statSync, writeFileSync } from 'node:fs';
import { formatProblemLine, readAppDir, validateApp } from './app';
import { templateTypes } from './app/emit-types';
import { checkMigration, readAppSources } from './app/migration';
import { fail, parseCommandLine, runScript, type Usage } from './cli';

const USAGE: Usage = {
  name: 'npm run validate',
  synopsis: ['npm run validate [-- DIR] [--stage <name>] [--emit-types <file>]'],
  description: [
    'Checks an FDK app folder as Handshake serves it: manifest.json, config/oauth_config.json,',
    'config/requests.json, config/iparams.json and handshake.json. Prints one line per problem',
    '(file, JSON path, what is wrong, what is allowed), errors before warnings, every problem of',
    'every file in one run, then a summary. `npm run build` and `npm run deploy` run it first.',
    'Then the migration check: what the app (its config and its server/ and app/ code) relies on',
    'that behaves differently off the Freshworks platform, one warning per finding with its file',
    'and line. Those warnings never fail validation.',
    'With --emit-types, a valid app also gets its templates written as TypeScript for',
    '@handshake-oauth/client: a wrong template name or a missing context key is then a compile error.',
  ].join('\n'),
  arguments: [['DIR', 'the app folder (default: $APP_DIR, else app/)']],
  options: [
    [
      '--stage <name>',
      'ignored, as an app is the same on every stage (taken so that build/deploy lines work)',
    ],
    ['--emit-types <file>', "write the templates' names and context keys as TypeScript (valid apps only)"],
  ],
  environment: [['APP_DIR', 'the app folder when no DIR is given (default app/)']],
  exitStatus: [
    ['0', 'the app is valid (warnings may have been printed)'],
    ['1', 'the app has an error'],
    ['2', 'the command line is wrong'],
  ],
  examples: [
    'npm run validate',
    'npm run validate -- ../my-app',
    'APP_DIR=../my-app npm run validate',
    'npm run validate -- ../my-app --emit-types ../my-app/server/handshake-templates.ts',
  ],
};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

function main(): number {
  const { positionals, values } = parseCommandLine({
    usage: USAGE,
    options: { stage: { type: 'string' }, 'emit-types': { type: 'string' } },
    maxPositionals: 1,
  });
  // Not lib/config.ts: validation must run without any deployment configuration.
  const dir = positionals[0] ?? process.env.APP_DIR ?? 'app';
  const shown = `${dir.replace(/\/+$/, '')}/`;
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    fail(USAGE, `there is no folder ${shown}: give an app folder as DIR or in APP_DIR`, 2);
  }
  const files = readAppDir(dir);
  const { app, problems } = validateApp(files);
  for (const problem of problems) console.log(formatProblemLine(problem));
  const differences = checkMigration(files, readAppSources(dir));
  if (differences.length > 0) {
    console.log(`Off the Freshworks platform (${plural(differences.length, 'difference')}):`);
    for (const problem of differences) console.log(formatProblemLine(problem));
  }
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors + differences.length;
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
  const typesFile = values['emit-types'];
  if (typesFile !== undefined) {
    writeFileSync(typesFile, templateTypes(app, shown));
    console.log(`✓ wrote the types of ${plural(app.templates.size, 'template')} to ${typesFile}`);
  }
  return 0;
}

runScript(USAGE, main);
