/**
 * `npm run hs -- <command>`: the operator's console for a terminal (issue 19), on the same HTTP
 * API as everything else — installations, connect links, refresh, disconnect, webhook events and
 * the overview. Tables for people, `--json` for scripts; the admin key from the environment only.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import {
  describeError,
  formatUsage,
  parseCommandLine,
  runScript,
  ScriptExit,
  type Usage,
  usageError,
} from '../cli';
import { ACCOUNT_COMMANDS } from './accounts';
import { ApiError, TransportError } from './api-client';
import {
  type Command,
  ENVIRONMENT,
  EXIT_STATUS,
  GLOBAL_OPTIONS,
  GLOBAL_ROWS,
  type Io,
  KEY_VARIABLE,
  NAME,
} from './command';
import { EVENTS } from './events';
import { INSTALLATIONS } from './installations';
import { OVERVIEW } from './overview';

interface Group {
  readonly usage: Usage;
  readonly subcommands: Readonly<Record<string, Command>>;
}

const summary = (usage: Usage): string => usage.description.split('\n')[0] ?? '';

function group(words: string, subcommands: Readonly<Record<string, Command>>, description: string): Group {
  return {
    subcommands,
    usage: {
      name: NAME,
      help: `${NAME} -- ${words} --help`,
      synopsis: Object.values(subcommands).map((command) => command.usage.synopsis[0] ?? ''),
      description: [
        description,
        '',
        ...Object.entries(subcommands).map(
          ([name, command]) => `  ${name.padEnd(8)}${summary(command.usage)}`,
        ),
        '',
        `Each answers --help: \`${NAME} -- ${words} <command> --help\`.`,
      ].join('\n'),
      options: GLOBAL_ROWS,
      environment: ENVIRONMENT,
      exitStatus: EXIT_STATUS,
      examples: Object.values(subcommands).map((command) => command.usage.examples[0] ?? ''),
    },
  };
}

const TREE: Readonly<Record<string, Command | Group>> = {
  installations: group('installations', INSTALLATIONS, 'The installations: list them, show one, delete one.'),
  ...ACCOUNT_COMMANDS,
  events: group('events', EVENTS, 'The webhook deliveries: list them, send a dead one again.'),
  overview: OVERVIEW,
};

const isGroup = (node: Command | Group): node is Group => 'subcommands' in node;

export const USAGE: Usage = {
  name: NAME,
  synopsis: [`${NAME} -- <command> [<arguments>] [--json] [--url <url>]`],
  description: [
    'The operator console for a terminal, over the HTTP API of a running Handshake (npm start, or',
    "a deployed stage with --url). Tables for people; --json prints the API's JSON for scripts.",
    `The admin key comes from ${KEY_VARIABLE} only: an option would land in shell history.`,
    '',
    'Commands:',
    '  installations list|show|delete   the installations and their accounts',
    '  connect-link                     a single-use link for the person who authorizes',
    '  refresh                          refresh one account now',
    '  disconnect                       revoke and forget one account',
    '  events list|replay               webhook deliveries; send a dead one again',
    '  overview                         the deployment at a glance',
    '',
    `Each answers --help: \`${NAME} -- installations list --help\`.`,
  ].join('\n'),
  options: GLOBAL_ROWS,
  environment: ENVIRONMENT,
  exitStatus: EXIT_STATUS,
  examples: [
    'export HANDSHAKE_ADMIN_KEY=$(npm run -s admin-key)',
    `${NAME} -- installations list --status reauthorization_required`,
    `HANDSHAKE_ADMIN_KEY=$(npm run -s admin-key -- --stage prod) ${NAME} -- overview --url https://abc123.execute-api.eu-west-1.amazonaws.com`,
  ],
};

/** Every option any command takes, so the command's words are told from option values. */
function allOptions(): ParseArgsOptionsConfig {
  const commands = Object.values(TREE).flatMap((node) =>
    isGroup(node) ? Object.values(node.subcommands) : [node],
  );
  return Object.assign({}, GLOBAL_OPTIONS, ...commands.map((command) => command.options), {
    help: { type: 'boolean', short: 'h' },
  });
}

const helpOf = (usage: Usage): never => {
  throw new ScriptExit(0, formatUsage(usage), 'stdout');
};

type Word = { readonly value: string; readonly index: number };

/** The subcommand of a group the next word names; the group's --help, or a usage error. */
function subcommandOf(node: Group, name: string, word: Word | undefined, help: boolean): Command {
  const sub =
    word === undefined || !Object.hasOwn(node.subcommands, word.value)
      ? undefined
      : node.subcommands[word.value];
  if (sub !== undefined) return sub;
  if (help) helpOf(node.usage);
  const names = Object.keys(node.subcommands).join(', ');
  return usageError(
    node.usage,
    word === undefined
      ? `give a command of ${name}: ${names}`
      : `unknown command "${name} ${word.value}"; ${name} has ${names}`,
  );
}

/** The command the words name and the arguments left for it; --help of a group or the top level. */
function resolve(args: readonly string[]): { command: Command; rest: string[] } {
  const { values, tokens } = parseArgs({
    args: [...args],
    options: allOptions(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words = tokens.filter((token) => token.kind === 'positional');
  const help = values.help === true;
  const [first, second] = words;
  const names = Object.keys(TREE).join(', ');
  if (first === undefined) {
    // An option no command has is named as such before the missing command (--help wins).
    parseCommandLine({ usage: USAGE, options: GLOBAL_OPTIONS, maxPositionals: 0 }, args);
    return usageError(USAGE, `give a command: ${names}`);
  }
  const node = Object.hasOwn(TREE, first.value) ? TREE[first.value] : undefined;
  if (node === undefined) {
    return help
      ? helpOf(USAGE)
      : usageError(USAGE, `unknown command "${first.value}"; the commands are ${names}`);
  }
  const command = isGroup(node) ? subcommandOf(node, first.value, second, help) : node;
  const used = isGroup(node) ? [first.index, second?.index] : [first.index];
  return { command, rest: args.filter((_arg, index) => !used.includes(index)) };
}

/** One line of stderr for a failure: the API's words and status, or why it was not reached. */
function failureLine(error: unknown): string {
  if (error instanceof ApiError) {
    return `${NAME}: ${error.message} (HTTP ${error.status}${error.code === undefined ? '' : ` ${error.code}`})`;
  }
  if (error instanceof TransportError) return `${NAME}: ${error.message}`;
  return `${NAME}: ${describeError(error)}`;
}

/**
 * Runs one command line against `io` and gives its exit code; never throws, so a test calls it
 * in-process as the terminal would run it. Whatever it writes to stderr has the admin key cut
 * out, should any message ever carry it.
 */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const key = io.env[KEY_VARIABLE]?.trim();
  const redact = (text: string) =>
    key === undefined || key === '' ? text : text.split(key).join('[admin key]');
  const write = (stream: 'stdout' | 'stderr', text: string) =>
    (stream === 'stdout' ? io.stdout : io.stderr).write(
      stream === 'stderr'
        ? redact(text.endsWith('\n') ? text : `${text}\n`)
        : text.endsWith('\n')
          ? text
          : `${text}\n`,
    );
  try {
    const { command, rest } = resolve(args);
    return await command.execute(rest, io);
  } catch (error) {
    if (error instanceof ScriptExit) {
      write(error.stream, error.message);
      return error.code;
    }
    write('stderr', failureLine(error));
    return 1;
  }
}

if (require.main === module) {
  runScript(USAGE, () =>
    main(process.argv.slice(2), {
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
      isTTY: process.stdout.isTTY === true,
    }),
  );
}
