/**
 * `npm run bench [-- section…]`: runs the benchmark sections (all, or those named) on this
 * machine and prints Markdown — the machine, then one part per section — for
 * docs/BENCHMARKS.md. Exits with 1 when a section measured a wrong result or failed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { ScriptExit } from '../cli';
import { chosenSections, type SectionName } from './args';
import type { Cleanup, SectionResult } from './section';
import type { World } from './world';

// The sweep logs a line per refresh and flushes EMF metrics; the output should be the tables.
// Set before any lib/ module (and so Powertools) is loaded: sections are imported lazily below.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const TITLES: Record<SectionName, string> = {
  refresh: 'Refresh',
  invoke: 'Invoke',
  'cold-start': 'Cold start',
};

/** The world (DynamoDB Local, servers, the wired functions) is per process: made for the first section needing it. */
let world: Promise<World> | undefined;
const worldFor = (cleanup: Stack): Promise<World> => {
  world ??= import('./world').then(({ startWorld }) =>
    startWorld({ defer: (stop) => cleanup.deferLast(stop) }),
  );
  return world;
};

async function runSection(name: SectionName, cleanup: Stack): Promise<SectionResult> {
  if (name === 'cold-start') return (await import('./cold-start')).coldStartSection(cleanup);
  if (name === 'refresh') return (await import('./refresh')).refreshSection(await worldFor(cleanup));
  return (await import('./invoke')).invokeSection(await worldFor(cleanup), cleanup);
}

const write = (text: string) => process.stdout.write(text);

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1];
    if (release !== undefined) return release;
  } catch {
    // Not Linux: fall back to uname below.
  }
  try {
    return execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    return process.platform;
  }
}

function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const gib = totalmem() / 1024 ** 3;
  return [
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${model} × ${cpu.length}`,
    `- RAM: ${gib.toFixed(1)} GiB`,
    `- Node.js: ${process.version}`,
    `- OS: ${osName()} (${process.platform} ${process.arch})`,
  ].join('\n');
}

/** How long one cleanup step may take before the next one runs anyway. */
const STOP_TIMEOUT_MS = 10_000;

const timeout = (ms: number) =>
  new Promise<void>((_, reject) => {
    setTimeout(() => reject(new Error(`a cleanup step took over ${ms} ms`)), ms).unref();
  });

/** Stops what a section started, newest first. Concurrent calls share one run, which drains all. */
class Stack implements Cleanup {
  #stops: Array<() => unknown> = [];
  /** The world's stops, run only by `run(true)`: at the end of the whole run. */
  #last: Array<() => unknown> = [];
  #running: Promise<void> | undefined;
  defer(stop: () => unknown): void {
    this.#stops.push(stop);
  }
  deferLast(stop: () => unknown): void {
    this.#last.push(stop);
  }
  run(all = false): Promise<void> {
    if (all) this.#stops.unshift(...this.#last.splice(0));
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
  async #drain(): Promise<void> {
    for (let stop = this.#stops.pop(); stop !== undefined; stop = this.#stops.pop()) {
      try {
        await Promise.race([stop(), timeout(STOP_TIMEOUT_MS)]);
      } catch (error) {
        console.error(`bench: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** Refreshes cut off by an interrupted run would each log an error; nobody needs to read them. */
async function silenceLogs(): Promise<void> {
  const { logger } = await import('../../lib/observability/logger');
  logger.setLogLevel('SILENT');
}

/** The sections named on the command line; --help or a mistake prints and exits before anything starts. */
function chosen(argv: readonly string[]): readonly SectionName[] {
  try {
    return chosenSections(argv);
  } catch (error) {
    if (!(error instanceof ScriptExit)) throw error;
    (error.stream === 'stdout' ? process.stdout : process.stderr).write(`${error.message}\n`);
    process.exit(error.code);
  }
}

async function main(): Promise<number> {
  const sections = chosen(process.argv.slice(2));
  const cleanup = new Stack();
  // Should the process end some other way than through main()'s return (a promise nobody can
  // settle any more), it must not look like success.
  process.exitCode = 1;
  let interrupted = false;
  // Ctrl-C or a kill still stops DynamoDB Local and the servers.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`bench: ${signal}, cleaning up`);
      void silenceLogs()
        .then(() => cleanup.run(true))
        .finally(() => process.exit(130));
    });
  }
  write(`## Machine\n\n${machine()}\n`);
  let failed = false;
  for (const [index, name] of sections.entries()) {
    const started = performance.now();
    try {
      const result = await runSection(name, cleanup);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      write(`\n## ${TITLES[name]}\n\n${result.markdown}\n\n_Section took ${seconds} s._\n`);
      if (!result.ok) failed = true;
    } catch (error) {
      failed = true;
      if (!interrupted) console.error(`bench: section "${name}" failed:`, error);
    } finally {
      await cleanup.run(index === sections.length - 1);
    }
    // The signal handler exits once cleanup is done; start nothing new meanwhile.
    if (interrupted) await new Promise(() => undefined);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench:', error);
    process.exit(1);
  },
);
