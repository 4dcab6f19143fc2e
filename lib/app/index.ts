import { config } from '../config';
import { type AppFiles, readAppDir } from './files';
import type { App } from './model';
import { formatProblemLine, type Problem } from './problems';
import { validateApp } from './validate';

export type { AppFileName, AppFiles } from './files';
export { APP_FILE_NAMES, readAppDir } from './files';
export { type CheckedIparams, checkIparams, checkOauthIparams, type IparamProblem } from './iparams';
export type * from './model';
export { formatProblem, formatProblemLine, type Problem, type Severity } from './problems';
export * from './template';
export { type Validation, validateApp } from './validate';

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
export function loadApp(files: AppFiles): { app: App | undefined; problems: Problem[] } {
  return validateApp(files);
}

// Set by the bundler (infra/esbuild.config.cjs) to the app folder's files, so a Lambda reads no file.
declare const __HANDSHAKE_APP__: AppFiles | undefined;

const bundledApp = (): AppFiles | undefined =>
  typeof __HANDSHAKE_APP__ === 'undefined' ? undefined : __HANDSHAKE_APP__;

let cached: App | undefined;

/**
 * The deployment's app, validated once per process: the files inlined at build time, else the
 * folder of APP_DIR. Throws AppInvalidError when the app has an error.
 */
export function getApp(): App {
  if (cached !== undefined) return cached;
  const files = bundledApp() ?? readAppDir(config().appDir);
  const { app, problems } = loadApp(files);
  if (app === undefined) throw new AppInvalidError(files.root, problems);
  cached = app;
  return app;
}

/** Tests only: forget the loaded app so the next getApp() reads it again. */
export function resetAppForTests(): void {
  cached = undefined;
}
