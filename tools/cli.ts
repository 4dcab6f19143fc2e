/**
 * What every script's command line has in common: `--help`/`-h` prints the usage and exits 0;
 * an unknown option, a missing value or a surplus argument names itself, points at --help and
 * exits 2; a failure exits 1 with one line on stderr. Parsing is `util.parseArgs`, strict.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

type Rows = readonly (readonly [string, string])[];

/** The help of one script, printed by --help. */
export interface Usage {
  /** How it is run, as the messages name it: `npm run validate`. */
  readonly name: string;
  /** The synopsis, one line per form. */
  readonly synopsis: readonly string[];
  /** What it does, in a few sentences. */
  readonly description: string;
  readonly arguments?: Rows;
  /** Every option but --help, which is added. */
  readonly options?: Rows;
  readonly environment?: Rows;
  readonly exitStatus?: Rows;
  readonly examples: readonly string[];
  /** How its help is asked for, when not `<name> -- --help` (a subcommand's: `npm run hs -- events list --help`). */
  readonly help?: string;
}

/**
 * Ends the script: thrown anywhere below `runScript`, which prints `message` and sets the exit
 * code. Throwing rather than `process.exit` lets output to a pipe drain first (on macOS pipe
 * writes are asynchronous).
 */
export class ScriptExit extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly stream: 'stdout' | 'stderr' = 'stderr',
  ) {
    super(message);
    this.name = 'ScriptExit';
  }
}

const HELP_ROW = ['-h, --help', 'print this help and exit'] as const;

function table(title: string, rows: Rows | undefined): string[] {
  if (rows === undefined || rows.length === 0) return [];
  const width = Math.max(...rows.map(([left]) => left.length));
  return ['', `${title}:`, ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)];
}

/** The --help text. */
export function formatUsage(usage: Usage): string {
  return [
    ...usage.synopsis.map((line, i) => `${i === 0 ? 'usage:' : '      '} ${line}`),
    '',
    usage.description,
    ...table('Arguments', usage.arguments),
    ...table('Options', [...(usage.options ?? []), HELP_ROW]),
    ...table('Environment', usage.environment),
    ...table('Exit status', usage.exitStatus),
    '',
    'Examples:',
    ...usage.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

/** A command-line mistake: exit 2, with the way to the help. */
export function usageError(usage: Usage, message: string): never {
  throw new ScriptExit(2, `${usage.name}: ${message}\nSee \`${usage.help ?? `${usage.name} -- --help`}\`.`);
}

/** A failure of the script itself: exit 1 (or `code`) with `message` on stderr. */
export function fail(usage: Usage, message: string, code = 1): never {
  throw new ScriptExit(code, `${usage.name}: ${message}`);
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

interface Spec<O extends ParseArgsOptionsConfig> {
  readonly usage: Usage;
  readonly options: O;
  /** How many positional arguments the script takes at most. */
  readonly maxPositionals: number;
}

/**
 * Parses `args` (default: this process's) against `spec.options`. --help anywhere wins, even next
 * to a mistake: whoever asks for help should get it rather than an error.
 */
export function parseCommandLine<const O extends ParseArgsOptionsConfig>(
  spec: Spec<O>,
  args: readonly string[] = process.argv.slice(2),
) {
  const { usage, maxPositionals } = spec;
  const options = { ...spec.options, ...HELP };
  const loose = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  if (loose.values.help === true) throw new ScriptExit(0, formatUsage(usage), 'stdout');
  const known: ParseArgsOptionsConfig = options;
  for (const token of loose.tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(known, token.name) ? known[token.name] : undefined;
    if (option === undefined) usageError(usage, `unknown option ${token.rawName}`);
    if (option.type === 'boolean' && token.value !== undefined) {
      usageError(usage, `${token.rawName} takes no value`);
    }
  }
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true });
  } catch (error: unknown) {
    // Node's own words: a missing value, an ambiguous value. Structural: under Jest the error
    // comes from another realm, so it is no `instanceof Error`.
    const message = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
    usageError(usage, String(message));
  }
  const extra = parsed.positionals.slice(maxPositionals);
  if (extra.length > 0) usageError(usage, `unexpected argument ${JSON.stringify(extra[0])}`);
  return parsed;
}

/**
 * `parseCommandLine` for a script that manages its own processes (npm start, the bench) and so
 * cannot end through `runScript`: --help or a mistake prints and exits here, before anything starts.
 */
export function parseOrExit<const O extends ParseArgsOptionsConfig>(
  spec: Spec<O>,
  args: readonly string[] = process.argv.slice(2),
): ReturnType<typeof parseCommandLine<O>> {
  try {
    return parseCommandLine(spec, args);
  } catch (error) {
    if (!(error instanceof ScriptExit)) throw error;
    (error.stream === 'stdout' ? process.stdout : process.stderr).write(`${error.message}\n`);
    process.exit(error.code);
  }
}

/** An error's message with its cause's, which is where an SDK says what actually went wrong. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === '' || error.message.includes(cause)
    ? error.message
    : `${error.message} (${cause})`;
}

/**
 * Runs a script's main and turns its outcome into an exit code: the number it returns, a
 * ScriptExit's code, or 1 for any other error.
 */
export function runScript(usage: Usage, main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        if (error instanceof ScriptExit) {
          const text = error.message.endsWith('\n') ? error.message : `${error.message}\n`;
          (error.stream === 'stdout' ? process.stdout : process.stderr).write(text);
          process.exitCode = error.code;
          return;
        }
        process.stderr.write(`${usage.name}: ${describeError(error)}\n`);
        process.exitCode = 1;
      },
    );
}
