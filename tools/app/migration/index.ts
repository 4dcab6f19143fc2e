/*
 * The migration check of `npm run validate`: what an FDK app relies on that behaves differently,
 * or not at all, off the Freshworks platform — as warnings with a file and a line, never errors:
 * the app is valid, and the porter should see these before the first deploy.
 */
import { isRecord } from '../../../lib/app/record';
import type { AppFileName, AppFiles } from '../files';
import { readManifest } from '../load/manifest';
import { type Problem, ProblemSink } from '../problems';
import { checkCode } from './code';
import { checkOauthConfig } from './oauth';
import { checkIparams, checkManifest, checkPresentFiles } from './platform';
import { checkRequests } from './requests';
import { type AppSources, readAppSources } from './sources';

export { type AppSources, readAppSources };

/** A file's JSON, or undefined when it is absent or broken (validation reports that). */
function parsed(files: AppFiles, name: AppFileName): { value: unknown; text: string } | undefined {
  const raw = files.files[name];
  if (raw === undefined) return undefined;
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch {
    return undefined;
  }
}

const byPlace = (a: Problem, b: Problem): number =>
  a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1;

/** Every off-platform difference found in the app's files and code, by file, then line. */
export function checkMigration(files: AppFiles, sources: AppSources): Problem[] {
  const manifest = parsed(files, 'manifest.json');
  const requests = parsed(files, 'config/requests.json');
  const oauth = parsed(files, 'config/oauth_config.json');
  const iparams = parsed(files, 'config/iparams.json');
  // Problems of the manifest itself are validation's to report, not this check's.
  const facts = readManifest(manifest?.value, new ProblemSink());
  const found = [
    ...(manifest ? checkManifest(manifest.value, manifest.text) : []),
    ...(requests ? checkRequests(requests.value, oauth?.value, requests.text) : []),
    ...(oauth ? checkOauthConfig(oauth.value, oauth.text) : []),
    ...(iparams ? checkIparams(iparams.value, iparams.text) : []),
    ...checkPresentFiles(sources.present),
    ...checkCode(sources.code, {
      defined: isRecord(requests?.value) ? Object.keys(requests.value) : [],
      declared: new Set(facts.declared.keys()),
      requestsPlace: facts.requestsPlace,
    }),
  ];
  return found.sort(byPlace);
}
