import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledToJson, toBundled } from '../../lib/app/bundled';
import type { App } from '../../lib/app/model';
import { APP_MODEL_VARIABLE } from '../../lib/config';
import { loadAppDir } from './load-folder';

/*
 * The app model as code run without a bundle reads it (lib/app getApp): tests, the bench and
 * scripts import functions/ unbundled, and lib/ reads only a model that was validated already —
 * a bundle carries its own (infra/esbuild.config.cjs), everything else gets this file.
 */

/** The JSON text of a validated app's model as the model file holds it: whole, sources and all. */
export const appModelJson = (app: App): string => JSON.stringify(toBundled(app));

/** The same as a bundle carries it: templates without their sources (lib/app/bundled.ts). */
export const appModelBundleJson = (app: App): string => bundledToJson(toBundled(app));

/** Validates the app folder `dir` and writes its model to `file`. Throws AppInvalidError. */
export function writeAppModel(dir: string, file: string): App {
  const app = loadAppDir(dir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, appModelJson(app));
  return app;
}

/**
 * The environment that gives unbundled functions the app of `dir`: its model, validated and
 * written into the folder `into` (a temp or data dir). Throws AppInvalidError.
 */
export function appModelEnv(dir: string, into: string): Record<typeof APP_MODEL_VARIABLE, string> {
  const file = join(into, 'app-model.json');
  writeAppModel(dir, file);
  return { [APP_MODEL_VARIABLE]: file };
}
