import { config } from '../config';
import { type BundledApp, fromBundled } from './bundled';
import type { App } from './model';

export type { AppFileName, AppFiles } from './files';
export { APP_FILE_NAMES, readAppDir } from './files';
export { type CheckedIparams, checkIparams, checkOauthIparams, type IparamProblem } from './iparams';
export type * from './model';
export { formatProblem, formatProblemLine, type Problem, type Severity } from './problems';
export * from './template';

/*
 * This module is what functions import, so it must not import the validator (zod and the
 * schemas): validateApp, loadApp, loadAppDir and AppInvalidError are in ./load-folder.
 */

// Set by the bundler (infra/esbuild.config.cjs) to the JSON text of the app model it validated.
// A string, so that esbuild folds `typeof` below and drops the folder branch from every bundle.
declare const __HANDSHAKE_APP__: string | undefined;

let cached: App | undefined;

/**
 * The deployment's app, loaded once per process: in a bundle, the model the build validated
 * (an invalid app never builds); otherwise the folder of APP_DIR, validated now — throws
 * AppInvalidError when it has an error.
 */
export function getApp(): App {
  if (cached !== undefined) return cached;
  if (typeof __HANDSHAKE_APP__ === 'undefined') {
    // require, not import: a static import would keep the validator in every bundle (its module
    // has side effects, so esbuild cannot drop it), and getApp must stay synchronous.
    const { loadAppDir } = require('./load-folder') as typeof import('./load-folder');
    cached = loadAppDir(config().appDir);
  } else {
    cached = fromBundled(JSON.parse(__HANDSHAKE_APP__) as BundledApp);
  }
  return cached;
}

/** Tests only: forget the loaded app so the next getApp() reads it again. */
export function resetAppForTests(): void {
  cached = undefined;
}
