/**
 * `npm run bench [-- section…]`: runs the benchmark sections (all, or those named) on this
 * machine and prints Markdown — the machine, then one part per section — for
 * docs/BENCHMARKS.md. Exits with 1 when a section measured a wrong result or failed.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runScript } from '../cli';
import { chosenSections, type SectionName, USAGE } from './args';
import type { Cleanup, SectionResult } from './section';
import type { World } from './world';

// The sweep logs a line per refresh and flushes EMF metrics; the output should be the tables.
// Set before any lib/ module (and so Powertools) is loaded: sections are imported lazily below.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

/** How long one cleanup step may take before the next one runs anyway. */
const STOP_TIMEOUT_MS = 10_000;

/** Stops what was started, newest first; concurrent calls share one run, which drains all. */
function stack(): Cleanup & { run(): Promise<void> } {
  const stops: Array<() => unknown> = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    for (let stop = stops.pop(); stop !== undefined; stop = stops.pop()) {
      const late = new Promise((_, reject) =>
        setTimeout(reject, STOP_TIMEOUT_MS, new Error('timed out')).unref(),
      );
      await Promise.race([stop(), late]).catch((error: unknown) =>
        console.error('bench: cleanup failed:', error),
      );
    }
  };
  return {
    defer: (stop) => stops.push(stop),
    run: () => {
      running ??= drain().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

/** Section cleanups, and the world's — stopped once, at the end of the run: the wiring is per process. */
const sectionStops = stack();
const worldStops = stack();
let world: Promise<World> | undefined;
const theWorld = (): Promise<World> => {
  world ??= import('./world').then(({ startWorld }) => startWorld(worldStops));
  return world;
};
const stopAll = () => sectionStops.run().then(() => worldStops.run());

async function runSection(name: SectionName): Promise<SectionResult> {
  if (name === 'cold-start') return (await import('./cold-start')).coldStartSection(sectionStops);
  if (name === 'refresh') return (await import('./refresh')).refreshSection(await theWorld());
  if (name === 'fan-out') return (await import('./fan-out')).fanOutSection(await theWorld(), sectionStops);
  if (name === 'console') return (await import('./console')).consoleSection(await theWorld());
  return (await import('./invoke')).invokeSection(await theWorld(), sectionStops);
}

function machine(): string {
  const cpu = cpus();
  let os: string = process.platform;
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1] ?? os;
  } catch {
    // Not Linux: the platform name will do.
  }
  return [
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}`,
    `- RAM: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- Node.js: ${process.version}`,
    `- OS: ${os} (${process.platform} ${process.arch})`,
  ].join('\n');
}

async function main(): Promise<number> {
  // --help or a mistake throws (runScript prints it) before anything starts.
  const sections = chosenSections(process.argv.slice(2));
  // Should the process end some other way than through main()'s return, it must not look like success.
  process.exitCode = 1;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`bench: ${signal}, cleaning up`);
      // Refreshes cut off by the interruption would each log an error; nobody needs to read them.
      void import('../../lib/observability/logger')
        .then(({ logger }) => logger.setLogLevel('SILENT'))
        .then(stopAll)
        .finally(() => process.exit(130));
    });
  }
  process.stdout.write(`## Machine\n\n${machine()}\n`);
  let failed = false;
  for (const name of sections) {
    const started = performance.now();
    try {
      const { markdown, ok } = await runSection(name);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      // "cold-start" → "Cold start".
      const title = name[0]?.toUpperCase() + name.slice(1).replace('-', ' ');
      process.stdout.write(`\n## ${title}\n\n${markdown}\n\n_Section took ${seconds} s._\n`);
      failed ||= !ok;
    } catch (error) {
      failed = true;
      if (!interrupted) console.error(`bench: section "${name}" failed:`, error);
    } finally {
      await sectionStops.run();
    }
    // The signal handler exits once cleanup is done; start nothing new meanwhile.
    if (interrupted) await new Promise(() => undefined);
  }
  await worldStops.run();
  return failed ? 1 : 0;
}

// Exits when done: no handle a module left open (the handler wires its own clients) may keep it alive.
runScript(USAGE, () => main().then((code) => process.exit(code)));
