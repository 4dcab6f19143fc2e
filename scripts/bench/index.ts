/**
 * `npm run bench [-- section…]`: runs the benchmark sections (all, or those named) on this
 * machine and prints Markdown — the machine, then one part per section — for
 * docs/BENCHMARKS.md. Exits with 1 when a section measured a wrong result or failed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseOrExit, type Usage } from '../cli';
import type { BenchSection, Cleanup } from './section';

// The sweep logs a line per refresh and flushes EMF metrics; the output should be the tables.
// Set before any lib/ module (and so Powertools) is loaded: sections are imported lazily below.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

interface SectionEntry {
  readonly name: string;
  readonly title: string;
  readonly load: () => Promise<BenchSection>;
}

/** Every section, in the order `npm run bench` runs them. */
const SECTIONS: readonly SectionEntry[] = [
  { name: 'refresh', title: 'Refresh', load: async () => (await import('./refresh')).refreshSection },
  { name: 'invoke', title: 'Invoke', load: async () => (await import('./invoke')).invokeSection },
  {
    name: 'cold-start',
    title: 'Cold start',
    load: async () => (await import('./cold-start')).coldStartSection,
  },
];

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
  #running: Promise<void> | undefined;
  defer(stop: () => unknown): void {
    this.#stops.push(stop);
  }
  run(): Promise<void> {
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

const USAGE: Usage = {
  name: 'npm run bench',
  synopsis: ['npm run bench [-- <section> …]'],
  description: [
    'Runs the benchmark sections on this machine (all, or those named) and prints Markdown for',
    'docs/BENCHMARKS.md: the machine, then one part per section with its targets. Starts its own',
    'DynamoDB Local and servers; exits 1 when a section measured a wrong result or failed.',
  ].join('\n'),
  arguments: [['<section>', SECTIONS.map((section) => section.name).join(', ')]],
  examples: ['npm run bench', 'npm run bench -- invoke'],
};

function chosen(argv: readonly string[]): readonly SectionEntry[] {
  const args = parseOrExit({ usage: USAGE, options: {}, maxPositionals: SECTIONS.length }, argv).positionals;
  if (args.length === 0) return SECTIONS;
  const unknown = args.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown section ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`,
    );
    process.exit(2);
  }
  return SECTIONS.filter((section) => args.includes(section.name));
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
        .then(() => cleanup.run())
        .finally(() => process.exit(130));
    });
  }
  write(`## Machine\n\n${machine()}\n`);
  let failed = false;
  for (const entry of sections) {
    const started = performance.now();
    try {
      const result = await (await entry.load()).run(cleanup);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      write(`\n## ${entry.title}\n\n${result.markdown}\n\n_Section took ${seconds} s._\n`);
      if (!result.ok) failed = true;
    } catch (error) {
      failed = true;
      if (!interrupted) console.error(`bench: section "${entry.name}" failed:`, error);
    } finally {
      await cleanup.run();
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
