import { getApp } from './index';
import type { Branding } from './model';

/*
 * The app's branding, apart from the model every function carries: a logo is up to 12 KiB
 * (87 KB as base64), which only the functions that render the person's pages need. The build
 * defines __HANDSHAKE_BRANDING__ for every bundle, but esbuild inlines a define only where it
 * is read — here — so a bundle that never imports this module carries none of it.
 */

// Set by the bundler (infra/esbuild.config.cjs) to the JSON text of the validated branding.
// A string, so that esbuild folds `typeof` below and drops the model-file branch from a bundle.
declare const __HANDSHAKE_BRANDING__: string | undefined;

let parsed: Branding | undefined;

/** The deployment's branding: the bundle's own, or unbundled the model file's (getApp's cache). */
export function getBranding(): Branding {
  if (typeof __HANDSHAKE_BRANDING__ === 'undefined') return getApp().branding;
  parsed ??= JSON.parse(__HANDSHAKE_BRANDING__) as Branding;
  return parsed;
}

/** Tests only: forget the bundle's branding so the next getBranding() parses it again. */
export function resetBrandingForTests(): void {
  parsed = undefined;
}
