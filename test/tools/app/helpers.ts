import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppFiles } from '../../../tools/app/files';

/**
 * The real FDK sample apps: a copy of the team's shared fixtures (public Freshworks sample
 * apps, unchanged), kept in the repo so a clean clone tests them. Do not edit them.
 */
export const FDK_APPS = resolve(__dirname, '../../fixtures/fdk-apps');
/** The public Freshworks samples issue 17 names (freshworks-developers repositories); see its README. */
export const FDK_SAMPLES = resolve(__dirname, '../../fixtures/fdk-samples');
export const BROKEN_APPS = resolve(__dirname, '../../fixtures/broken');
export const SAMPLE_APP = resolve(__dirname, '../../../app');

/** Every folder under `root` that holds a manifest.json, as paths relative to `root`. */
export function appFolders(root: string, relative = ''): string[] {
  const here = join(root, relative);
  const found: string[] = [];
  for (const entry of readdirSync(here).sort()) {
    const path = join(here, entry);
    if (!statSync(path).isDirectory()) continue;
    const child = relative === '' ? entry : `${relative}/${entry}`;
    if (readdirSync(path).includes('manifest.json')) found.push(child);
    else found.push(...appFolders(root, child));
  }
  return found;
}

/** AppFiles built in memory, for cases that need no folder. */
export function filesOf(files: AppFiles['files'], root = '/apps/test-app'): AppFiles {
  return { root, files };
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);
