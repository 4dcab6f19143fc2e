/*
 * The app folder at build time: read it, validate it against the platform rules (zod and the
 * schemas), report its problems and write its model for code run without a bundle. `npm run
 * validate`, the build, scripts and tests use it; a Lambda never does — lib/app holds the model.
 */
export { APP_FILE_NAMES, type AppFileName, type AppFiles, readAppDir } from './files';
export { AppInvalidError, loadApp, loadAppDir, type Validation, validateApp } from './load-folder';
export { appModelBundleJson, appModelEnv, appModelJson, writeAppModel } from './model-file';
export { formatProblem, formatProblemLine, type Problem, type Severity } from './problems';
