import type { App } from '../../lib/app/model';
import { type AppFiles, readAppDir } from './files';
import { formatProblemLine, type Problem } from './problems';
import { type Validation, validateApp } from './validate';

/*
 * The app read from a folder and validated with zod: `npm run validate`, the build, scripts and
 * tests. A bundle never loads this module — it carries the model the build validated (see
 * getApp in ./index.ts) — so none of the validator or zod ends up in a Lambda.
 */

export { type Validation, validateApp };

/** The app folder breaks a platform rule: the deployment must not serve it. */
export class AppInvalidError extends Error {
  constructor(
    readonly root: string,
    readonly problems: readonly Problem[],
  ) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    super(
      `The app in ${root} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(formatProblemLine).join('\n')}`,
    );
    this.name = 'AppInvalidError';
  }
}

/** Validates the files and builds the app model; `app` is undefined when there is any error. */
export function loadApp(files: AppFiles): Validation {
  return validateApp(files);
}

/** The app of a folder, validated. Throws AppInvalidError when it has an error. */
export function loadAppDir(dir: string): App {
  const { app, problems } = loadApp(readAppDir(dir));
  if (app === undefined) throw new AppInvalidError(dir, problems);
  return app;
}
