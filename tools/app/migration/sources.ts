import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The app's code and the FDK files beside its config that the migration check reads, by path in the folder. */
export interface AppSources {
  /** JavaScript of `server/` and `app/`, by path inside the app folder (`server/server.js`). */
  readonly code: Readonly<Record<string, string>>;
  /** Other files whose mere presence means something off-platform (`config/iparams.html`). */
  readonly present: readonly string[];
}

const CODE_FOLDERS = ['server', 'app'];
const CODE_FILE = /\.(?:c|m)?js$/;
// Tests, dependencies and the FDK's own state are not the app's runtime code.
const SKIPPED_FOLDERS = new Set(['node_modules', 'test_data', 'tests', 'test', 'coverage', 'dist', '.fdk']);
// Bounds a check run on an unknown folder: a real app's code is far below both.
const MAX_FILES = 500;
const MAX_FILE_BYTES = 1_000_000;
const PRESENCE_FILES = ['config/iparams.html'];

function walk(dir: string, relative: string, found: string[]): void {
  for (const entry of readdirSync(join(dir, relative)).sort()) {
    if (found.length >= MAX_FILES) return;
    const path = `${relative}/${entry}`;
    const stats = statSync(join(dir, path), { throwIfNoEntry: false });
    if (stats?.isDirectory() === true && !SKIPPED_FOLDERS.has(entry)) walk(dir, path, found);
    else if (stats?.isFile() === true && CODE_FILE.test(entry) && stats.size <= MAX_FILE_BYTES) {
      found.push(path);
    }
  }
}

/** Reads the code and the presence files of an app folder; a folder without them yields none. */
export function readAppSources(dir: string): AppSources {
  const paths: string[] = [];
  for (const folder of CODE_FOLDERS) {
    if (statSync(join(dir, folder), { throwIfNoEntry: false })?.isDirectory() === true)
      walk(dir, folder, paths);
  }
  const code: Record<string, string> = {};
  for (const path of paths) code[path] = readFileSync(join(dir, path), 'utf8');
  const present = PRESENCE_FILES.filter(
    (path) => statSync(join(dir, path), { throwIfNoEntry: false })?.isFile() === true,
  );
  return { code, present };
}
