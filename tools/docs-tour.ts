/**
 * `npm run docs-tour`: runs the shell blocks of README.md and docs/deploy.md literally, in order,
 * in a copy of this checkout, as a reader would type them — and fails where one does not do
 * what its text says. Every ```sh block carries a `<!-- tour … -->` comment on the line before
 * it (invisible on GitHub), so no command can be added without saying how it is checked:
 *
 *   <!-- tour -->                      run in the reader's shell (variables carry over); exit 0
 *   <!-- tour expect="text" … -->      and its output contains each text
 *   <!-- tour start -->                a terminal of its own, kept open: `npm start` (an earlier
 *                                      one is stopped first, as Ctrl-C would); ready at its banner
 *   <!-- tour background -->           a terminal of its own, kept open (a webhook receiver)
 *   <!-- tour skip="why" -->           not run here: needs AWS, a real provider account, a browser
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCommandLine, runScript, type Usage } from './cli';

export interface TourBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  readonly kind: 'run' | 'start' | 'background' | 'skip';
  readonly expect: readonly string[];
  readonly skipReason?: string;
}

// Values in double or single quotes: expect='"ok":true' checks for JSON text.
const ANNOTATION = /^\s*<!--\s*tour(?<attributes>(\s+[a-z]+(="[^"]*"|='[^']*')?)*)\s*-->\s*$/;
const ATTRIBUTE = /([a-z]+)(?:="([^"]*)"|='([^']*)')?/g;

const KINDS = ['skip', 'start', 'background', 'expect'] as const;

/** The annotation on the line `at` (the nearest non-empty line above a fence) as block fields. */
function annotationAt(
  file: string,
  lines: readonly string[],
  fence: number,
): Omit<TourBlock, 'file' | 'line' | 'code'> {
  let at = fence - 1;
  while (at >= 0 && (lines[at] ?? '').trim() === '') at--;
  const annotation = ANNOTATION.exec(lines[at] ?? '');
  if (annotation === null)
    throw new Error(`${file}:${fence + 1}: a sh block without a <!-- tour … --> line before it`);
  const attributes = [...(annotation.groups?.attributes ?? '').matchAll(ATTRIBUTE)].map(
    ([, name = '', double, single]) => ({ name, value: double ?? single }),
  );
  const unknown = attributes.find(({ name }) => !(KINDS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new Error(`${file}:${at + 1}: unknown tour attribute "${unknown.name}"`);
  const has = (name: string) => attributes.some((attribute) => attribute.name === name);
  const skip = attributes.find(({ name }) => name === 'skip');
  const kind = skip ? 'skip' : has('start') ? 'start' : has('background') ? 'background' : 'run';
  return {
    kind,
    expect: attributes.filter(({ name }) => name === 'expect').map(({ value }) => value ?? ''),
    ...(skip ? { skipReason: skip.value ?? '' } : {}),
  };
}

/** The ```sh blocks of a Markdown file with their annotations; a block without one is an error. */
export function tourBlocks(file: string, markdown: string): TourBlock[] {
  const lines = markdown.split('\n');
  const blocks: TourBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```sh\s*$/.exec(lines[i] ?? '');
    if (fence === null) continue;
    const indent = fence[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++)
      body.push((lines[i] ?? '').slice(indent.length));
    blocks.push({ file, line: start + 1, code: body.join('\n'), ...annotationAt(file, lines, start) });
  }
  return blocks;
}

/** What a reader of the docs has at hand that the docs only name: their HubSpot app's client. */
const READER_ENV = {
  HUBSPOT_CLIENT_ID: 'tour-hubspot-client-id',
  HUBSPOT_CLIENT_SECRET: 'tour-hubspot-secret',
};

interface Terminal {
  readonly child: ChildProcess;
  readonly output: () => string;
}

function openTerminal(dir: string, code: string, env: NodeJS.ProcessEnv): Terminal {
  let text = '';
  // A process group of its own, so that "Ctrl-C" reaches npm and everything under it.
  const child = spawn('bash', ['--noprofile', '--norc', '-c', code], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

async function closeTerminal(terminal: Terminal): Promise<void> {
  if (terminal.child.exitCode !== null || terminal.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => terminal.child.once('exit', () => resolve()));
  process.kill(-(terminal.child.pid as number), 'SIGINT');
  const timer = setTimeout(() => process.kill(-(terminal.child.pid as number), 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(
  done: () => boolean,
  failed: () => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    const problem = failed();
    if (problem !== undefined) throw new Error(problem);
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const FAILED = '__tour_command_failed__';

/** The reader's own shell: one bash, fed block after block, so variables carry over. */
class Shell {
  readonly #child: ChildProcess;
  #output = '';

  constructor(dir: string, env: NodeJS.ProcessEnv) {
    this.#child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#child.stdin?.write(
      `set -o pipefail -o errtrace; trap 'echo "${FAILED} status $? at line $LINENO"' ERR\n`,
    );
  }

  /**
   * Runs `code` in this shell, so its variables carry over to the next block. A failing command
   * anywhere in it — a pipeline, a command substitution — is reported by the ERR trap.
   */
  async run(file: string, code: string, timeoutMs: number): Promise<{ failed: boolean; output: string }> {
    writeFileSync(file, `${code}\n`);
    const marker = `__tour_${Math.random().toString(36).slice(2)}__`;
    const from = this.#output.length;
    this.#child.stdin?.write(`source ${JSON.stringify(file)} 2>&1; echo "${marker}"\n`);
    await waitFor(
      () => this.#output.includes(marker, from),
      () => (this.#child.exitCode !== null ? 'the shell exited' : undefined),
      timeoutMs,
    );
    const output = this.#output.slice(from, this.#output.indexOf(marker, from));
    return { failed: output.includes(FAILED), output };
  }

  close(): void {
    this.#child.stdin?.end();
    this.#child.kill('SIGKILL');
  }
}

/** The tracked files of the checkout, copied, with node_modules linked: a clone without `npm ci`. */
function copyOfCheckout(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-tour-'));
  const { stdout } = spawnSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  const files = stdout.split('\0').filter((name) => name !== '');
  if (files.length === 0) throw new Error(`${root} lists no tracked files (is it a git checkout?)`);
  for (const name of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    cpSync(join(root, name), join(dir, name));
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export interface TourResult {
  readonly ran: number;
  readonly skipped: readonly TourBlock[];
}

/** A block in a terminal of its own, ready when `npm start` says so or a receiver first speaks. */
async function openBlockTerminal(dir: string, block: TourBlock, env: NodeJS.ProcessEnv): Promise<Terminal> {
  const where = `${block.file}:${block.line}`;
  const terminal = openTerminal(dir, block.code, env);
  const ready =
    block.kind === 'start'
      ? () => terminal.output().includes('Ctrl-C stops everything')
      : () => terminal.output().trim() !== '';
  try {
    await waitFor(ready, () => (terminal.child.exitCode !== null ? 'it exited' : undefined), 180_000);
  } catch (error) {
    await closeTerminal(terminal);
    throw new Error(`${where}: ${(error as Error).message}\n${terminal.output()}`);
  }
  return terminal;
}

async function runInShell(shell: Shell, file: string, block: TourBlock): Promise<void> {
  const where = `${block.file}:${block.line}`;
  const { failed, output } = await shell.run(file, block.code, 240_000);
  const shown = `${block.code}\n--- output ---\n${output}`;
  if (failed) throw new Error(`${where}: a command failed:\n${shown}`);
  const missing = block.expect.find((text) => !output.includes(text));
  if (missing !== undefined)
    throw new Error(`${where}: the output lacks ${JSON.stringify(missing)}:\n${shown}`);
}

/** A fresh shell's environment: nothing of a test run or of the caller's own instance. */
function readerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...READER_ENV };
  for (const name of Object.keys(env))
    if (/^(HANDSHAKE_|POWERTOOLS_|AWS_ENDPOINT|APP_DIR$|NODE_ENV$|PORT$|PUBLIC_URL$|JEST_)/.test(name))
      delete env[name];
  return env;
}

/** Runs the tour of `files` (relative to `root`) in a copy of `root`; throws at the first block that fails. */
export async function runTour(
  root: string,
  files: readonly string[],
  log: (line: string) => void = () => {},
): Promise<TourResult> {
  const blocks = files.flatMap((file) => tourBlocks(file, readFileSync(join(root, file), 'utf8')));
  const dir = copyOfCheckout(root);
  const env = readerEnv();
  const shell = new Shell(dir, env);
  const terminals: Terminal[] = [];
  let server: Terminal | undefined;
  const skipped = blocks.filter((block) => block.kind === 'skip');
  try {
    for (const [index, block] of blocks.entries()) {
      const where = `${block.file}:${block.line}`;
      log(
        block.kind === 'skip' ? `skip  ${where}  (${block.skipReason})` : `${block.kind.padEnd(5)} ${where}`,
      );
      if (block.kind === 'skip') continue;
      if (block.kind === 'run') {
        await runInShell(shell, join(dir, `.tour-block-${index}.sh`), block);
        continue;
      }
      // A new `npm start` in the first terminal: Ctrl-C the one before.
      if (block.kind === 'start' && server !== undefined) await closeTerminal(server);
      const terminal = await openBlockTerminal(dir, block, env);
      terminals.push(terminal);
      if (block.kind === 'start') server = terminal;
    }
    return { ran: blocks.length - skipped.length, skipped };
  } finally {
    shell.close();
    for (const terminal of terminals.reverse()) await closeTerminal(terminal);
    rmSync(dir, { recursive: true, force: true });
  }
}

const USAGE: Usage = {
  name: 'npm run docs-tour',
  synopsis: ['npm run docs-tour [-- <markdown file> …]'],
  description: [
    'Runs every sh block of README.md and docs/deploy.md (or the files named) literally, in order,',
    'in a copy of this checkout, and stops at the first one that does not do what its text says.',
    'It starts `npm start` on port 3000 as the README does: nothing else may use that port.',
  ].join('\n'),
  arguments: [['<markdown file>', 'a file of this repository (default: README.md docs/deploy.md)']],
  examples: ['npm run docs-tour', 'npm run docs-tour -- README.md'],
};

if (require.main === module) {
  runScript(USAGE, async () => {
    const { positionals } = parseCommandLine({ usage: USAGE, options: {}, maxPositionals: 10 });
    const root = resolve(__dirname, '..');
    const files = positionals.length > 0 ? positionals : ['README.md', 'docs/deploy.md'];
    const { ran, skipped } = await runTour(root, files, (line) => console.log(line));
    console.log(`✓ ${ran} blocks did what the text says; ${skipped.length} not run here (reasons above)`);
    return 0;
  });
}
