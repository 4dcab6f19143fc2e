import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { isRecord } from '../../lib/app/record';
import { logoPathProblem, MAX_LOGO_BYTES } from './load/branding';

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
  /** The file handshake.json's `branding.logo` names, when it names one. */
  logo?: LogoFile;
}

/** A logo file as readAppDir found it: its bytes, or why it was not read. */
export type LogoFile =
  | { readonly path: string; readonly bytes: Uint8Array }
  | { readonly path: string; readonly unreadable: 'missing' | 'outside' | 'too_large' };

function readIfFile(path: string): string | undefined {
  // ENOTDIR (a path under a file) reads as absent too, like ENOENT.
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() === true ? readFileSync(path, 'utf8') : undefined;
}

/** `branding.logo` of handshake.json's text, if it is a string: validation checks the rest. */
function logoPath(text: string | undefined): string | undefined {
  try {
    const meta: unknown = text === undefined ? undefined : JSON.parse(text);
    const branding = isRecord(meta) ? meta.branding : undefined;
    const logo = isRecord(branding) ? branding.logo : undefined;
    return typeof logo === 'string' ? logo : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The logo at `path` in `dir`. A path that could leave the folder as written is not opened at
 * all; one that leaves it through a symbolic link is refused once resolved.
 */
function readLogo(dir: string, path: string): LogoFile | undefined {
  if (logoPathProblem(path) !== undefined) return undefined;
  let real: string;
  let root: string;
  try {
    real = realpathSync(join(dir, path));
    root = realpathSync(dir);
  } catch {
    return { path, unreadable: 'missing' };
  }
  const inside = relative(root, real);
  if (inside === '' || inside.split(sep)[0] === '..' || isAbsolute(inside))
    return { path, unreadable: 'outside' };
  const stats = statSync(real);
  if (!stats.isFile()) return { path, unreadable: 'missing' };
  if (stats.size > MAX_LOGO_BYTES) return { path, unreadable: 'too_large' };
  return { path, bytes: readFileSync(real) };
}

/** Reads the app files of `dir`; a missing folder yields no files (validation then reports the manifest). */
export function readAppDir(dir: string): AppFiles {
  const files: Partial<Record<AppFileName, string>> = {};
  for (const name of APP_FILE_NAMES) {
    const text = readIfFile(join(dir, name));
    if (text !== undefined) files[name] = text;
  }
  const path = logoPath(files['handshake.json']);
  const logo = path === undefined ? undefined : readLogo(dir, path);
  return { root: dir, files, ...(logo === undefined ? {} : { logo }) };
}
