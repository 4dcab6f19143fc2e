/**
 * What every `npm run hs` command has in common: the global options (--url, --json), the admin
 * key from the environment only, the client and the output they give a command, and the
 * shape a command module exports.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { fail, parseCommandLine, type Usage, usageError } from '../cli';
import { type ApiClient, createApiClient, type Fetch } from './api-client';
import type { Style } from './table';

export const NAME = 'npm run hs';
export const DEFAULT_URL = 'http://localhost:3000';
export const KEY_VARIABLE = 'HANDSHAKE_ADMIN_KEY';

/** Where a command reads and writes: the process's, or a test's. */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal: only then may a status be coloured. */
  readonly isTTY: boolean;
  readonly fetch?: Fetch;
}

/** What a command is given once its command line parsed. */
export interface Context {
  readonly api: ApiClient;
  /** --json: the API's JSON as it answered, for scripts. */
  readonly json: boolean;
  readonly style: Style;
  /** One line (or block) on stdout. */
  readonly print: (text: string) => void;
  /** One line on stderr: what people read beside the result, never part of it. */
  readonly note: (text: string) => void;
}

export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

export const GLOBAL_ROWS = [
  ['--url <url>', `the API's base URL (default: $HANDSHAKE_URL, else ${DEFAULT_URL}, npm start's)`],
  ['--json', "print the API's JSON as it answered (for scripts) instead of a table"],
] as const;

export const ENVIRONMENT = [
  [KEY_VARIABLE, 'the admin key (required). Only from the environment, never an option: options land'],
  ['', 'in shell history and in `ps`. Locally: export HANDSHAKE_ADMIN_KEY=$(npm run -s admin-key)'],
  ['HANDSHAKE_URL', `the API's base URL when --url is not given (default ${DEFAULT_URL})`],
  ['NO_COLOR', 'set: no colour even on a terminal (there is none when stdout is not one)'],
] as const;

export const EXIT_STATUS = [
  ['0', 'done'],
  ['1', "it failed: the API's message and status, or why it could not be reached, on stderr"],
  ['2', 'the command line is wrong'],
] as const;

/** The usage of one command, with the global options, environment and exit status added. */
export function commandUsage(
  words: string,
  usage: Omit<Usage, 'name' | 'help' | 'environment' | 'exitStatus'>,
): Usage {
  return {
    ...usage,
    name: NAME,
    help: `${NAME} -- ${words} --help`,
    options: [...(usage.options ?? []), ...GLOBAL_ROWS],
    environment: ENVIRONMENT,
    exitStatus: EXIT_STATUS,
  };
}

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseCommandLine<O & typeof GLOBAL_OPTIONS>
>;

export interface Command {
  readonly usage: Usage;
  /** Its own options, for the dispatcher to find the command words among the arguments. */
  readonly options: ParseArgsOptionsConfig;
  /** Runs it on the arguments after the command's words. */
  readonly execute: (args: readonly string[], io: Io) => Promise<number>;
}

/** The API's base URL: --url, else HANDSHAKE_URL, else npm start's; http(s) only. */
export function baseUrlOf(usage: Usage, flag: string | undefined, env: Io['env']): string {
  const given = flag ?? env.HANDSHAKE_URL;
  const raw = given === undefined || given === '' ? DEFAULT_URL : given;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '') {
    const source = flag === undefined ? 'HANDSHAKE_URL' : '--url';
    usageError(
      usage,
      `${source} must be an http(s) URL like https://abc123.execute-api.eu-west-1.amazonaws.com, got "${raw}"`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The admin key, from the environment only; its absence says how to get one. */
export function adminKeyOf(usage: Usage, env: Io['env']): string {
  const key = env[KEY_VARIABLE];
  if (key === undefined || key.trim() === '') {
    fail(
      usage,
      `${KEY_VARIABLE} is not set: the admin key is read from the environment only. Locally: export ${KEY_VARIABLE}=$(npm run -s admin-key) (a deployed stage: npm run -s admin-key -- --stage <name>)`,
    );
  }
  return key.trim();
}

/** The colours a terminal may show: none off a terminal, none when NO_COLOR is set. */
export const styleOf = (io: Io): Style => ({
  color: io.isTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === ''),
});

/** A command of `npm run hs`: its command line parsed (with the global options), then `run`. */
export function defineCommand<const O extends ParseArgsOptionsConfig>(definition: {
  readonly usage: Usage;
  readonly options: O;
  /** What each positional argument is, all required: `an installation id (in_…)`. */
  readonly positionals: readonly string[];
  readonly run: (context: Context, parsed: Parsed<O>) => Promise<number>;
}): Command {
  const { usage, options, positionals } = definition;
  return {
    usage,
    options,
    async execute(args, io) {
      const parsed = parseCommandLine(
        { usage, options: { ...options, ...GLOBAL_OPTIONS }, maxPositionals: positionals.length },
        args,
      ) as Parsed<O>;
      const missing = positionals[parsed.positionals.length];
      if (missing !== undefined) usageError(usage, `give ${missing}`);
      const values = parsed.values as { url?: string; json?: boolean };
      const baseUrl = baseUrlOf(usage, values.url, io.env);
      let api: ApiClient | undefined;
      const context: Context = {
        // The key is looked for at the first request, so a mistake on the command line is
        // named first, and --help and usage errors never need one.
        get api() {
          api ??= createApiClient({
            baseUrl,
            adminKey: adminKeyOf(usage, io.env),
            ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
          });
          return api;
        },
        json: values.json === true,
        style: styleOf(io),
        print: (text) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
        note: (text) => io.stderr.write(`${text}\n`),
      };
      return definition.run(context, parsed);
    },
  };
}
