import { basename } from 'node:path';
import type { App, RequestTemplate } from '../../lib/app/model';
import { isRecord } from '../../lib/app/record';
import { APP_FILE_NAMES, type AppFileName, type AppFiles } from './files';
import { humanize } from './humanize';
import { parseJsonFile } from './json';
import { checkAccountHosts, checkAccountSecrets } from './load/account-hosts';
import { readBranding } from './load/branding';
import { checkDeclarations } from './load/declarations';
import { readIparamsFile } from './load/iparams-file';
import { readManifest } from './load/manifest';
import { readOauthConfig } from './load/oauth-config';
import { readRequests } from './load/requests';
import { type Problem, ProblemSink, sortProblems } from './problems';
import { APP_META_RULES, appMetaSchema } from './schemas/app-meta';
import { parseSalvaging } from './zod-problems';

export interface Validation {
  /** The app, when there is no error. */
  readonly app: App | undefined;
  /** Errors first, then warnings, each in the order found. */
  readonly problems: Problem[];
}

type ParsedFiles = Partial<Record<AppFileName, { readonly value: unknown }>>;

function parseAll(files: AppFiles, sink: ProblemSink): ParsedFiles {
  const parsed: ParsedFiles = {};
  for (const name of APP_FILE_NAMES) {
    const text = files.files[name];
    if (text === undefined) continue;
    const json = parseJsonFile(name, text, sink);
    if (json !== undefined) parsed[name] = json;
  }
  return parsed;
}

/** handshake.json: the app's name (else its folder's, humanized) and its branding. */
function appMeta(files: AppFiles, meta: unknown, sink: ProblemSink): Pick<App, 'name' | 'branding'> {
  const fallback = humanize(basename(files.root)) || 'Handshake app';
  if (meta === undefined) return { name: fallback, branding: {} };
  const where = { file: 'handshake.json', path: '$' } as const;
  // Every field is optional: what passed is checked further even when a sibling failed.
  const { valid } = parseSalvaging(
    appMetaSchema,
    appMetaSchema,
    meta,
    where,
    APP_META_RULES,
    'handshake.json',
    sink,
  );
  return { name: valid?.name ?? fallback, branding: readBranding(valid?.branding, files.logo, sink) };
}

/** All names at the top of a file (templates, iparams), valid or not; undefined when there is no such file. */
function topLevelNames(json: { readonly value: unknown } | undefined): string[] | undefined {
  if (json === undefined) return undefined;
  return isRecord(json.value) ? Object.keys(json.value) : [];
}

function split(
  templates: ReadonlyMap<string, RequestTemplate>,
  declared: ReadonlyMap<string, string>,
): { invokable: Map<string, RequestTemplate>; undeclared: Set<string> } {
  const invokable = new Map<string, RequestTemplate>();
  const undeclared = new Set<string>();
  for (const [name, template] of templates) {
    if (declared.has(name)) invokable.set(name, template);
    else undeclared.add(name);
  }
  return { invokable, undeclared };
}

/** Validates an app folder's files and builds the app model: every platform rule of SPEC §1. */
export function validateApp(files: AppFiles): Validation {
  const sink = new ProblemSink();
  if (files.files['manifest.json'] === undefined) {
    sink.error(
      { file: 'manifest.json', path: '$' },
      'manifest.json is missing',
      'an FDK manifest.json at the root of the app folder',
    );
  }
  const parsed = parseAll(files, sink);
  const manifest = readManifest(parsed['manifest.json']?.value, sink);
  const { name, branding } = appMeta(files, parsed['handshake.json']?.value, sink);
  const iparams = readIparamsFile(parsed['config/iparams.json']?.value, sink);
  const oauth = readOauthConfig(parsed['config/oauth_config.json']?.value, name, sink);
  const requestsJson = parsed['config/requests.json'];
  const templates = readRequests(
    requestsJson?.value,
    {
      oauthFormat: oauth.format,
      integrationNames: oauth.names,
      iparams,
      iparamNames: topLevelNames(parsed['config/iparams.json']) ?? [],
      hasIparamsFile: files.files['config/iparams.json'] !== undefined,
      warnedIparams: new Set(),
    },
    sink,
  );
  checkAccountHosts(templates, oauth.integrations, sink);
  checkAccountSecrets(templates, oauth.integrations, sink);
  // A file that is not JSON was reported already; declarations are checked only when both files were read.
  const requestsReadable = files.files['config/requests.json'] === undefined || requestsJson !== undefined;
  if (parsed['manifest.json'] !== undefined && requestsReadable) {
    checkDeclarations(manifest, topLevelNames(requestsJson), sink);
  }
  const problems = sortProblems(sink.problems);
  if (sink.hasErrors) return { app: undefined, problems };
  const { invokable, undeclared } = split(templates, manifest.declared);
  return {
    app: {
      name,
      platformVersion: manifest.platformVersion,
      integrations: oauth.integrations,
      templates: invokable,
      undeclaredTemplates: undeclared,
      iparams,
      oauthConfigFormat: oauth.format,
      branding,
    },
    problems,
  };
}
