/**
 * Where a bundle's module init time goes: a fresh `node` imports it under the V8 CPU profiler
 * (started just before the import, stopped right after), and every sample is traced back to
 * its source through the bundle's source map — npm package, lib/ folder, or the part of Node
 * or V8 that ran (compiling the module, loading Node's own modules, GC).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The profiling child: argv[1] the bundle's URL, argv[2] where to write the profile. */
const RUNNER = [
  "import { Session } from 'node:inspector/promises';",
  "import { writeFileSync } from 'node:fs';",
  'const session = new Session();',
  'session.connect();',
  "await session.post('Profiler.enable');",
  "await session.post('Profiler.setSamplingInterval', { interval: 50 });",
  "await session.post('Profiler.start');",
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'const ms = performance.now() - started;',
  "const { profile } = await session.post('Profiler.stop');",
  'writeFileSync(process.argv[2], JSON.stringify(profile));',
  'process.stdout.write(String(ms));',
  'process.exit(0);',
].join('\n');

export const COMPILE = 'V8: parse and compile the bundle (compileSourceTextModule)';
export const HTTP_FACADE = "Node: node:http's ESM facade loads Node's built-in undici (lazyUndici)";
const NODE_CORE = 'Node: module loader, other';
const DECODE = "Node: decode the bundle's source text (TextDecoder)";
const NODE_MODULES = "Node: compile Node's own modules the bundle imports (node:zlib, node:crypto …)";
const GC = 'V8 garbage collector';
const NATIVE = 'V8 / native, unattributed (program)';
const UNMAPPED = 'bundle code without a source mapping';

/** Init ms per origin, summed over the profiled runs; `runs` and their unprofiled-style wall ms. */
export interface InitProfile {
  readonly runs: number;
  readonly wallMs: readonly number[];
  readonly byOrigin: ReadonlyMap<string, number>;
}

/** Where a bundle input comes from: its npm package, lib/<folder> or functions. */
export function originOfSource(source: string): string {
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source.slice(source.lastIndexOf('node_modules/')));
  if (npm?.[1] !== undefined) return npm[1];
  const lib = /(?:^|\/)lib\/([^/]+)(\/)?/.exec(source);
  if (lib?.[1] !== undefined) return lib[2] === undefined ? 'lib (top-level files)' : `lib/${lib[1]}`;
  if (/(?:^|\/)functions\//.test(source)) return 'functions';
  return source;
}

type ProfileNode = Profiler.ProfileNode;

/** The bundle's lines (for the first code column of each) and its source map. */
interface BundleMap {
  readonly url: string;
  readonly lines: readonly string[];
  readonly map: SourceMap;
}

function originOfLine(bundle: BundleMap, line: number): string {
  const text = bundle.lines[line - 1] ?? '';
  const column = Math.max(0, text.search(/\S/));
  const entry = bundle.map.findEntry(line - 1, column) as { originalSource?: string };
  return entry.originalSource === undefined ? UNMAPPED : originOfSource(entry.originalSource);
}

/** Node's and V8's own frames, by what they were doing. */
function nodeOrigin(node: ProfileNode, underFacade: boolean): string {
  const frame = node.callFrame;
  if (frame.functionName === '(garbage collector)') return GC;
  if (frame.functionName === '(program)' || frame.functionName === '(root)') return NATIVE;
  if (underFacade) return HTTP_FACADE;
  if (frame.functionName === 'compileSourceTextModule') return COMPILE;
  if (frame.url === 'node:internal/encoding' && frame.functionName === 'decode') return DECODE;
  if (frame.functionName === 'compileForInternalLoader') return NODE_MODULES;
  return NODE_CORE;
}

/** A profile's tree: nodes by id, and each node's parent. */
interface Tree {
  readonly byId: ReadonlyMap<number, ProfileNode>;
  readonly parents: ReadonlyMap<number, number>;
}

function treeOf(profile: Profiler.Profile): Tree {
  const byId = new Map<number, ProfileNode>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  return { byId, parents };
}

function isUnderFacade(tree: Tree, node: ProfileNode): boolean {
  for (let id: number | undefined = node.id; id !== undefined; id = tree.parents.get(id)) {
    if (tree.byId.get(id)?.callFrame.functionName === 'lazyUndici') return true;
  }
  return false;
}

/**
 * esbuild's module wrappers (`__commonJS`, `__esm`) have no source of their own; time in them is
 * V8 compiling and starting the module they wrap, so it goes to that module: the child frame.
 */
function wrappedOrigin(bundle: BundleMap, tree: Tree, node: ProfileNode): string {
  for (const id of node.children ?? []) {
    const child = tree.byId.get(id);
    if (child === undefined || child.callFrame.url !== bundle.url) continue;
    const entry = bundle.map.findEntry(child.callFrame.lineNumber, child.callFrame.columnNumber) as {
      originalSource?: string;
    };
    if (entry.originalSource !== undefined) return originOfSource(entry.originalSource);
  }
  return UNMAPPED;
}

/** Each sample's time (the gap to the next sample), summed per node. */
function timePerNode(profile: Profiler.Profile): Map<number, number> {
  const times = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index] as number;
    times.set(id, (times.get(id) ?? 0) + (deltas[index + 1] ?? 0) / 1000);
  }
  return times;
}

function addProfile(bundle: BundleMap, profile: Profiler.Profile, totals: Map<string, number>): void {
  const tree = treeOf(profile);
  const add = (origin: string, ms: number) => totals.set(origin, (totals.get(origin) ?? 0) + ms);
  for (const [id, ms] of timePerNode(profile)) {
    const node = tree.byId.get(id);
    if (node === undefined) continue;
    // The profiler's own calls (starting and stopping it) are not the import's.
    if (node.callFrame.url === 'node:inspector') continue;
    if (node.callFrame.url !== bundle.url) {
      add(nodeOrigin(node, isUnderFacade(tree, node)), ms);
      continue;
    }
    // The node's time, split over the lines its samples fell on.
    const ticks = node.positionTicks ?? [];
    const hits = Math.max(
      node.hitCount ?? 0,
      ticks.reduce((sum, tick) => sum + tick.ticks, 0),
      1,
    );
    let placed = 0;
    for (const tick of ticks) {
      const origin = originOfLine(bundle, tick.line);
      add(origin === UNMAPPED ? wrappedOrigin(bundle, tree, node) : origin, (ms * tick.ticks) / hits);
      placed += tick.ticks;
    }
    if (placed < hits) add(wrappedOrigin(bundle, tree, node), (ms * (hits - placed)) / hits);
  }
}

function profileOnce(node: string, file: string, out: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      node,
      ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href, out],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const ms = Number(stdout);
        if (error === null && Number.isFinite(ms) && stdout !== '') resolve(ms);
        else reject(new Error(String(stderr).trim().split('\n')[0] || 'the profiling run failed'));
      },
    );
  });
}

/**
 * Profiles `runs` imports of `file` (an .mjs written with an external source map next to it)
 * in fresh `node` processes with `env`; profiles are written to `workDir`.
 */
export async function profileInit(
  node: string,
  file: string,
  env: Record<string, string>,
  runs: number,
  workDir: string,
): Promise<InitProfile> {
  const bundle: BundleMap = {
    url: pathToFileURL(file).href,
    lines: readFileSync(file, 'utf8').split('\n'),
    map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload),
  };
  const totals = new Map<string, number>();
  const wallMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const out = `${workDir}/init-${run}.cpuprofile`;
    wallMs.push(await profileOnce(node, file, out, env));
    addProfile(bundle, JSON.parse(readFileSync(out, 'utf8')) as Profiler.Profile, totals);
  }
  return { runs, wallMs, byOrigin: totals };
}
