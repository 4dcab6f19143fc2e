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
import { type BuildOptions, build, type Metafile } from 'esbuild';
import {
  type BenchFunction,
  benchFunctions,
  deploymentBuild,
  lambdaEnvironment,
  naiveBuild,
  REPO_ROOT,
} from './cold-start-build';
import { type InitProfile, originOfSource, profileInit } from './init-profile';
import {
  type BenchSection,
  type Cleanup,
  formatNumber,
  markdownTable,
  passFail,
  type SectionResult,
} from './section';
import { median } from './stats';

/** Enough that the medians hold still on a shared 2-vCPU VM (15 gave ratios ±0.08 apart between runs). */
const RUNS = 25;
/** One unmeasured run per bundle first, so the file is in the page cache for every measured one. */
const WARM_UP_RUNS = 1;
/** 350 KB, counted as 350,000 bytes. */
const TARGET_BYTES = 350_000;
const TARGET_INIT_RATIO = 0.6;
const TOP_PACKAGES = 10;
/** The function whose ESM init is profiled when the init target is missed, and how often. */
const PROFILED_FUNCTION = 'invoke';
const PROFILED_RUNS = 5;
/** Origins below this many ms per init are summed into one row. */
const PROFILE_ROW_MIN_MS = 1;
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
const CJS_RUNNER = ESM_RUNNER.replace('await import(process.argv[2])', 'require(process.argv[2])');

/** The runner files of one bench run, written next to its bundles. */
interface Runners {
  readonly esm: string;
  readonly cjs: string;
}

function writeRunners(dir: string): Runners {
  const runners = { esm: join(dir, 'run-init.mjs'), cjs: join(dir, 'run-init.cjs') };
  writeFileSync(runners.esm, ESM_RUNNER);
  writeFileSync(runners.cjs, CJS_RUNNER);
  return runners;
}

type Kind = 'esm' | 'cjs';

interface Bundle {
  readonly kind: Kind;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
  readonly initMs: number[];
  /** Why module init failed, when it did. */
  failure?: string;
}

interface Measured {
  readonly fn: BenchFunction;
  readonly esm: Bundle;
  readonly naive: Bundle;
}

async function bundle(kind: Kind, options: BuildOptions): Promise<Bundle> {
  const result = await build(options);
  // With a source map there are two outputs; the bundle is the one with the entry point.
  const [output] = Object.entries(result.metafile?.outputs ?? {}).find(
    ([, meta]) => meta.entryPoint !== undefined,
  ) ?? [undefined];
  if (result.metafile === undefined || output === undefined) throw new Error('esbuild wrote no bundle');
  const file = join(REPO_ROOT, output);
  return { kind, file, bytes: statSync(file).size, metafile: result.metafile, initMs: [] };
}

/** One fresh `node` that imports the bundle; the ms the import took, or the error it threw. */
function initOnce(target: Bundle, env: Record<string, string>, runners: Runners): Promise<number> {
  const args =
    target.kind === 'esm' ? [runners.esm, pathToFileURL(target.file).href] : [runners.cjs, target.file];
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

/** One run of one bundle; a failure is kept and ends that bundle's runs. */
async function runOnce(
  target: Bundle,
  env: Record<string, string>,
  runners: Runners,
  record: boolean,
): Promise<void> {
  if (target.failure !== undefined) return;
  try {
    const ms = await initOnce(target, env, runners);
    if (record) target.initMs.push(ms);
  } catch (error) {
    target.failure = error instanceof Error ? error.message : String(error);
  }
}

async function measure(all: readonly Measured[], runners: Runners): Promise<void> {
  for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
    for (const { fn, esm, naive } of all) {
      const env = lambdaEnvironment(fn);
      // Alternate which bundle goes first, so neither always follows the other.
      for (const target of run % 2 === 0 ? [esm, naive] : [naive, esm]) {
        await runOnce(target, env, runners, run >= WARM_UP_RUNS);
      }
    }
  }
}

const kib = (bytes: number) => `${formatNumber(bytes)} B (${formatNumber(bytes / 1024, 1)} KiB)`;
const msCell = (bundle: Bundle) => {
  if (bundle.failure !== undefined) return 'init FAILED';
  const sorted = [...bundle.initMs].sort((a, b) => a - b);
  return `${formatNumber(median(bundle.initMs), 1)} ms (${formatNumber(sorted[0] ?? Number.NaN, 0)}–${formatNumber(sorted.at(-1) ?? Number.NaN, 0)})`;
};

function ratioOf({ esm, naive }: Measured): number {
  return esm.failure !== undefined || naive.failure !== undefined
    ? Number.NaN
    : median(esm.initMs) / median(naive.initMs);
}

function resultTable(all: readonly Measured[]): string {
  return markdownTable(
    [
      'function',
      'ESM bundle (deployed)',
      'naive CJS bundle',
      'ESM init, median (min–max)',
      'naive init, median (min–max)',
      'ratio',
      'size ≤ 350 KB',
      `init ≤ ${TARGET_INIT_RATIO}× naive`,
    ],
    all.map((measured) => {
      const ratio = ratioOf(measured);
      return [
        measured.fn.name,
        kib(measured.esm.bytes),
        kib(measured.naive.bytes),
        msCell(measured.esm),
        msCell(measured.naive),
        Number.isNaN(ratio) ? 'n/a' : `${formatNumber(ratio, 2)}×`,
        passFail(measured.esm.bytes <= TARGET_BYTES),
        passFail(ratio <= TARGET_INIT_RATIO),
      ];
    }),
  );
}

/** Where an input of the bundle comes from: its npm package, lib/<folder>, functions, the app. */
const sourceOf = (input: string): string =>
  input.startsWith('<define:') ? `${input} (inlined)` : originOfSource(input);

/** Bytes in the output per source. */
function bytesBySource(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = sourceOf(input);
      totals.set(source, (totals.get(source) ?? 0) + bytesInOutput);
    }
  }
  return totals;
}

/** The biggest sources of the deployed bundles: each one's top 10, side by side. */
function contributorsTable(all: readonly Measured[]): string {
  const columns = all.map(({ fn, esm }) => ({ fn, bytes: bytesBySource(esm.metafile) }));
  const shown = new Set<string>();
  for (const { bytes } of columns) {
    const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, TOP_PACKAGES);
    for (const [source] of top) shown.add(source);
  }
  const largest = (source: string) => Math.max(...columns.map(({ bytes }) => bytes.get(source) ?? 0));
  const rows = [...shown]
    .sort((a, b) => largest(b) - largest(a))
    .map((source) => [
      source,
      ...columns.map(({ bytes }) => {
        const value = bytes.get(source);
        return value === undefined ? '–' : formatNumber(value / 1024, 1);
      }),
    ]);
  return markdownTable(['source (KiB in the minified bundle)', ...columns.map(({ fn }) => fn.name)], rows);
}

/**
 * The deployed build of `fn` once more, with whitespace kept (so every statement has its own
 * line) and an external source map, profiled while it is imported.
 */
async function initProfile(
  fn: BenchFunction,
  deployment: ReturnType<typeof deploymentBuild>,
  dir: string,
): Promise<InitProfile> {
  const outdir = join(dir, 'profile', fn.name);
  const options = deployment.options(fn.entry, outdir);
  const traced = await bundle('esm', {
    ...options,
    minify: false,
    minifyIdentifiers: options.minify === true,
    minifySyntax: options.minify === true,
    minifyWhitespace: false,
    sourcemap: 'external',
  });
  return profileInit(NODE, traced.file, lambdaEnvironment(fn), PROFILED_RUNS, outdir);
}

function profileTable(profile: InitProfile): string {
  const perRun = [...profile.byOrigin]
    .map(([origin, total]) => [origin, total / profile.runs] as const)
    .sort((a, b) => b[1] - a[1]);
  const all = perRun.reduce((sum, [, ms]) => sum + ms, 0);
  const shown = perRun.filter(([, ms]) => ms >= PROFILE_ROW_MIN_MS);
  const rest = all - shown.reduce((sum, [, ms]) => sum + ms, 0);
  const row = (origin: string, ms: number) => [
    origin,
    `${formatNumber(ms, 1)} ms`,
    `${formatNumber((100 * ms) / all, 1)} %`,
  ];
  return markdownTable(
    ['origin (self time)', 'ms per init', 'share'],
    [
      ...shown.map(([origin, ms]) => row(origin, ms)),
      row(`other (each < ${PROFILE_ROW_MIN_MS} ms)`, rest),
      row('**sampled in all**', all),
    ],
  );
}

async function run(cleanup: Cleanup): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-bench-cold-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const deployment = deploymentBuild();
  const naive = naiveBuild(deployment.define);
  const all: Measured[] = [];
  for (const fn of benchFunctions()) {
    all.push({
      fn,
      esm: await bundle('esm', deployment.options(fn.entry, join(dir, 'esm', fn.name))),
      naive: await bundle('cjs', naive(fn.entry, join(dir, 'naive', fn.name))),
    });
  }
  await measure(all, writeRunners(dir));

  const failures = all.flatMap(({ fn, esm, naive }) =>
    [esm, naive]
      .filter((target) => target.failure !== undefined)
      .map((target) => `module init of ${fn.name} (${target.kind}) threw: ${target.failure}`),
  );
  const slow = all.find(
    (measured) => measured.fn.name === PROFILED_FUNCTION && !(ratioOf(measured) <= TARGET_INIT_RATIO),
  );
  const profile =
    slow === undefined || slow.esm.failure !== undefined
      ? undefined
      : await initProfile(slow.fn, deployment, dir);
  const markdown = [
    '### Bundle size and module init time',
    '',
    `Module init: a fresh \`node\` (${NODE.slice(REPO_ROOT.length + 1)}) per run runs a runner file that imports the bundle ` +
      '(`await import()` for .mjs, `require` for .cjs) and prints the `performance.now()` difference; ' +
      `${RUNS} measured runs per bundle after ${WARM_UP_RUNS} unmeasured one, ESM and naive alternating.`,
    '',
    resultTable(all),
    '',
    '### Biggest inputs of the deployed bundles',
    '',
    `The top ${TOP_PACKAGES} sources by bytes in the output of each bundle (esbuild metafile), ` +
      'in KiB; "–": not in that bundle.',
    '',
    contributorsTable(all),
    ...(profile === undefined
      ? []
      : [
          '',
          `### Where the init time of the ${PROFILED_FUNCTION} bundle goes`,
          '',
          `The deployed build of ${PROFILED_FUNCTION} again, with whitespace kept and an external source ` +
            `map, imported ${PROFILED_RUNS} times under the V8 CPU profiler (50 µs sampling) in a fresh ` +
            '`node` with the same environment; every sample traced to its source through the map. ' +
            `Profiled imports took ${formatNumber(median(profile.wallMs), 1)} ms at the median.`,
          '',
          profileTable(profile),
        ]),
  ].join('\n');
  const problemLines = failures.map((failure) => `\n\n**Wrong result:** ${failure}`).join('');
  return { markdown: markdown + problemLines, ok: failures.length === 0 };
}

export const coldStartSection: BenchSection = { run };
