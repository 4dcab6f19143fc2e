import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files of an app folder that Handshake reads, by their path inside the folder. */
export const APP_FILE_NAMES = [
  'manifest.json',
  'config/oauth_config.json',
  'config/requests.json',
  'config/iparams.json',
  'handshake.json',
] as const;

export type AppFileName = (typeof APP_FILE_NAMES)[number];

/**
 * The raw text of an app folder. Everything after `readAppDir` works on this value only, so that a
 * bundled Lambda can carry the files inlined instead of reading a folder at cold start.
 */
export interface AppFiles {
  /** The folder the files came from; its name is the fallback app name. */
  root: string;
  /** Raw text by file; a file that does not exist is absent. */
  files: Partial<Record<AppFileName, string>>;
}

function readIfFile(path: string): string | undefined {
  // ENOTDIR (a path under a file) reads as absent too, like ENOENT.
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() === true ? readFileSync(path, 'utf8') : undefined;
}

/** Reads the app files of `dir`; a missing folder yields no files (validation then reports the manifest). */
export function readAppDir(dir: string): AppFiles {
  const files: Partial<Record<AppFileName, string>> = {};
  for (const name of APP_FILE_NAMES) {
    const text = readIfFile(join(dir, name));
    if (text !== undefined) files[name] = text;
  }
  return { root: dir, files };
}
