import { readFileSync } from 'node:fs';
import { APP_MODEL_VARIABLE, ConfigError, config } from '../config';
import { type BundledApp, bundledFromJson, fromBundled } from './bundled';
import type { App } from './model';
import { isRecord } from './record';

export { type CheckedIparams, checkIparams, checkOauthIparams, type IparamProblem } from './iparams';
export type * from './iparams-model';
export type * from './model';
export * from './template';

/*
 * What functions import: the validated app model and what works on it. Reading and validating an
 * app folder (zod, the schemas) is build-time code in tools/app/, which nothing under lib/ imports.
 */

// Set by the bundler (infra/esbuild.config.cjs) to the JSON text of the app model it validated.
// A string, so that esbuild folds `typeof` below and drops the file branch from every bundle.
declare const __HANDSHAKE_APP__: string | undefined;

let cached: App | undefined;

/** The model file that unbundled code (tests, scripts) is given: tools/app/model-file.ts writes it. */
function readModelFile(): BundledApp {
  const file = config().appModelFile;
  if (file === undefined) {
    throw new ConfigError(
      APP_MODEL_VARIABLE,
      'is not set: run without a bundle, the functions read the validated app model from the file it names (writeAppModel in tools/app/model-file.ts writes it from an app folder); APP_DIR is read by the build and the tools only',
    );
  }
  let parsed: unknown;
  try {
    parsed = bundledFromJson(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      APP_MODEL_VARIABLE,
      `names ${file}, which is not a readable JSON file (${String(error)})`,
    );
  }
  if (!isRecord(parsed) || typeof parsed.name !== 'string' || !Array.isArray(parsed.integrations))
    throw new ConfigError(APP_MODEL_VARIABLE, `names ${file}, which does not hold an app model`);
  // Trusted past its shape: tools/app wrote it only for an app that validated.
  return parsed as unknown as BundledApp;
}

/**
 * The deployment's app, loaded once per process: in a bundle, the model the build validated
 * (an invalid app never builds); otherwise the model file named by HANDSHAKE_APP_MODEL.
 */
export function getApp(): App {
  if (cached !== undefined) return cached;
  if (typeof __HANDSHAKE_APP__ === 'undefined') cached = fromBundled(readModelFile());
  else cached = fromBundled(bundledFromJson(__HANDSHAKE_APP__));
  return cached;
}

/** Tests only: forget the loaded app so the next getApp() reads it again. */
export function resetAppForTests(): void {
  cached = undefined;
}
