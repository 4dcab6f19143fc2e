/**
 * The cold-start section: every function of serverless.yml built exactly as the deployment
 * builds it (infra/esbuild.config.cjs through serverless-esbuild's mapping) and as a naive
 * CommonJS bundle of the same entry; the size of each, and the module init time of each — a
 * fresh Node 22 process per run that imports the bundle with a deployed function's environment.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { type BenchFunction, benchFunctions, REPO_ROOT } from './cold-start-build';
import {
  type Cleanup,
  formatNumber,
  markdownTable,
  median,
  passFail,
  type SectionResult,
  sectionResult,
} from './section';

/** Enough that the medians hold still on a shared 2-vCPU VM (15 gave ratios ±0.08 apart between runs). */
const RUNS = 25;
/** One unmeasured run per bundle first, so the file is in the page cache for every measured one. */
const WARM_UP_RUNS = 1;
/** 350 KB, counted as 350,000 bytes: every function on an app's or a provider's path. */
const TARGET_BYTES = 350_000;
/**
 * The operator's console carries the API's reads and actions and its own pages: its budget is its
 * own (docs/DECISIONS.md, "Issue 19: the console's bundle").
 */
const TARGET_BYTES_OF: Readonly<Record<string, number>> = { console: 450_000 };
const targetBytesOf = (name: string): number => TARGET_BYTES_OF[name] ?? TARGET_BYTES;
const kb = (bytes: number) => `${formatNumber(bytes / 1000)} KB`;
const TARGET_INIT_RATIO = 0.6;
const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const RUN_TIMEOUT_MS = 30_000;

/**
 * Imports the bundle named by the first argument and prints the milliseconds the import took.
 * Run from a file, as Lambda's runtime loads a handler, not with `node -e`, under which the two
 * kinds start from different states: in CommonJS mode Node loads node:crypto before the script
 * runs (in module mode it does not), and an import from an `-e` module took 2–4 ms longer than
 * the same import from a file (health and invoke, 25 runs each, Node 22.23).
 */
const ESM_RUNNER = [
  'const started = performance.now();',
  'try { await import(process.argv[2]); }',
  'catch (error) { process.stderr.write(String(error?.stack ?? error)); process.exit(3); }',
  // Read the clock before touching process.stdout: `process.stdout.write(String(now - started))`
  // evaluates process.stdout first, and creating it (a pipe here) costs 3–4 ms.
  'const elapsed = performance.now() - started;',
  'process.stdout.write(String(elapsed));',
  'process.exit(0);',
].join('\n');

interface Bundle {
  readonly kind: 'esm' | 'cjs';
  readonly file: string;
  readonly bytes: number;
  readonly initMs: number[];
  /** Why module init failed, when it did. */
  failure?: string;
}

interface Measured {
  readonly fn: BenchFunction;
  readonly esm: Bundle;
  readonly naive: Bundle;
}

async function bundle(kind: Bundle['kind'], options: BuildOptions): Promise<Bundle> {
  const { metafile } = await build(options);
  // With a source map there are two outputs; the bundle is the one with the entry point.
  const output = Object.entries(metafile?.outputs ?? {}).find(
    ([, meta]) => meta.entryPoint !== undefined,
  )?.[0];
  if (output === undefined) throw new Error('esbuild wrote no bundle');
  const file = join(REPO_ROOT, output);
  return { kind, file, bytes: statSync(file).size, initMs: [] };
}

/** One fresh `node` that imports the bundle; the ms the import took, or the error it threw. */
function initOnce(target: Bundle, env: Record<string, string>, dir: string): Promise<number> {
  const esm = target.kind === 'esm';
  const args = [
    join(dir, `run-init.${esm ? 'mjs' : 'cjs'}`),
    esm ? pathToFileURL(target.file).href : target.file,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      NODE,
      args,
      { env, cwd: dirname(target.file), timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const ms = Number(stdout);
        if (error === null && stdout !== '' && Number.isFinite(ms)) resolve(ms);
        else reject(new Error(String(stderr).trim().split('\n')[0] || (error?.message ?? 'no output')));
      },
    );
  });
}

async function measure(all: readonly Measured[], dir: string): Promise<void> {
  writeFileSync(join(dir, 'run-init.mjs'), ESM_RUNNER);
  writeFileSync(join(dir, 'run-init.cjs'), ESM_RUNNER.replace('await import(', 'require('));
  for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
    for (const { fn, esm, naive } of all) {
      // Alternate which bundle goes first, so neither always follows the other.
      for (const target of run % 2 === 0 ? [esm, naive] : [naive, esm]) {
        // A failure is kept and ends that bundle's runs.
        if (target.failure !== undefined) continue;
        const ms = await initOnce(target, fn.env, dir).catch((error: Error) => {
          target.failure = error.message;
        });
        if (typeof ms === 'number' && run >= WARM_UP_RUNS) target.initMs.push(ms);
      }
    }
  }
}

const kib = (bytes: number) => `${formatNumber(bytes)} B (${formatNumber(bytes / 1024, 1)} KiB)`;
function msCell({ failure, initMs }: Bundle): string {
  if (failure !== undefined) return 'init FAILED';
  const range = `${formatNumber(Math.min(...initMs))}–${formatNumber(Math.max(...initMs))}`;
  return `${formatNumber(median(initMs), 1)} ms (${range})`;
}

function resultTable(all: readonly Measured[]): string {
  const header =
    'function|ESM bundle (deployed)|naive CJS bundle|ESM init, median (min–max)|naive init, median (min–max)';
  return markdownTable(
    `${header}|ratio|size ≤ target|init ≤ ${TARGET_INIT_RATIO}× naive`.split('|'),
    all.map(({ fn, esm, naive }) => {
      const failed = esm.failure !== undefined || naive.failure !== undefined;
      const ratio = failed ? Number.NaN : median(esm.initMs) / median(naive.initMs);
      const shown = Number.isNaN(ratio) ? 'n/a' : `${formatNumber(ratio, 2)}×`;
      const cells = [fn.name, kib(esm.bytes), kib(naive.bytes), msCell(esm), msCell(naive), shown];
      const target = targetBytesOf(fn.name);
      const size = `${passFail(esm.bytes <= target)} (${kb(target)})`;
      return [...cells, size, passFail(ratio <= TARGET_INIT_RATIO)];
    }),
  );
}

export async function coldStartSection(cleanup: Cleanup): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-bench-cold-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const all: Measured[] = [];
  for (const fn of benchFunctions(dir)) {
    all.push({ fn, esm: await bundle('esm', fn.esm), naive: await bundle('cjs', fn.naive) });
  }
  await measure(all, dir);
  const failures = all.flatMap(({ fn, esm, naive }) =>
    [esm, naive].flatMap(({ kind, failure }) =>
      failure === undefined ? [] : [`module init of ${fn.name} (${kind}) threw: ${failure}`],
    ),
  );
  const method =
    `Module init: a fresh \`node\` (${NODE.slice(REPO_ROOT.length + 1)}) per run runs a runner file that imports the bundle ` +
    '(`await import()` for .mjs, `require` for .cjs) and prints the `performance.now()` difference; ' +
    `${RUNS} measured runs per bundle after ${WARM_UP_RUNS} unmeasured one, ESM and naive alternating.`;
  return sectionResult(['### Bundle size and module init time', method, resultTable(all)], failures);
}
