/**
 * The bundle tricks of infra/esbuild.config.cjs rely on a dependency's internals to buy init
 * time. Each is named, its dependencies are pinned exactly, and this file fails the day one stops
 * working: each trick is measured on a real bundle, once on (what deploys) and once off (so the
 * check itself is shown to see the difference).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from '../support/local-env';

type Plugin = NonNullable<BuildOptions['plugins']>[number];
type Trick = 'stdio-sink' | 'prototype-builtins';
const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const { BUNDLE_TRICKS, bundleTricks, REQUIRE_BANNER } = require('../../infra/esbuild.config.cjs') as {
  BUNDLE_TRICKS: Record<Trick, readonly string[]>;
  bundleTricks: (raw: string | undefined) => ReadonlySet<Trick>;
  REQUIRE_BANNER: string;
};
const { builtinsViaRequire } = require('../../infra/esbuild-plugins.cjs') as {
  builtinsViaRequire: (options: { prototypeBuiltins: boolean }) => Plugin;
};
/** What a function has in AWS: no local flag, so the log sink writes to the descriptor. */
const LAMBDA_ENV = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'handshake-prod-invoke',
  HANDSHAKE_STAGE: 'prod',
  HANDSHAKE_TABLE: 'handshake-prod',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-tricks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` as the deployment does, with or without the two tricks, and runs it in a Lambda's environment. */
async function run(name: string, source: string, tricks: { stdioSink: boolean; prototypeBuiltins: boolean }) {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    plugins: [builtinsViaRequire({ prototypeBuiltins: tricks.prototypeBuiltins })],
    define: { __HANDSHAKE_STDIO_SINK__: JSON.stringify(tricks.stdioSink) },
    outfile,
    logLevel: 'silent',
  });
  const script = [
    'const before = new Set(process.moduleLoadList);',
    `const m = await import(${JSON.stringify(outfile)});`,
    'const loaded = process.moduleLoadList.filter((entry) => !before.has(entry)).map((entry) => entry.replace(/^NativeModule /, ""));',
    "process.getBuiltinModule('node:fs').writeSync(2, JSON.stringify({ loaded, result: m.result ?? null }));",
  ].join('\n');
  const child = spawnSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8', env: LAMBDA_ENV });
  if (child.status !== 0) throw new Error(child.stderr);
  return { ...(JSON.parse(child.stderr) as { loaded: string[]; result: unknown }), stdout: child.stdout };
}

describe('HANDSHAKE_BUNDLE_TRICKS', () => {
  it('uses every trick unless it names some, or none', () => {
    expect([...bundleTricks(undefined)]).toEqual(['stdio-sink', 'prototype-builtins']);
    expect([...bundleTricks('')]).toEqual(['stdio-sink', 'prototype-builtins']);
    expect([...bundleTricks('none')]).toEqual([]);
    expect([...bundleTricks(' stdio-sink ')]).toEqual(['stdio-sink']);
    expect(() => bundleTricks('stdio-sink,fast')).toThrow(
      'HANDSHAKE_BUNDLE_TRICKS: unknown fast; the tricks are stdio-sink, prototype-builtins, or none',
    );
  });
});

describe('the dependencies of the tricks', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const pinned = Object.entries(BUNDLE_TRICKS).flatMap(([, packages]) => packages);

  it.each(pinned)('%s is pinned to one exact version, the one installed', (name) => {
    // Act
    const wanted = manifest.dependencies[name] ?? manifest.devDependencies[name];
    const installed = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    // Assess
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(wanted);
  });
});

describe('stdio-sink: Powertools Logger and Metrics through lib/observability/stdio.ts', () => {
  const source = [
    `import { logger } from ${JSON.stringify(join(REPO_ROOT, 'lib/observability/logger'))};`,
    `import { count, flushMetrics } from ${JSON.stringify(join(REPO_ROOT, 'lib/observability/metrics'))};`,
    "logger.info('served');",
    "count('Served');",
    'flushMetrics();',
  ].join('\n');
  const streamCode = (loaded: readonly string[]) =>
    loaded.filter((m) => /^(net|stream|internal\/streams\/)/.test(m));
  const lines = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('still replaces their private setConsole(): a log line and a metric without net or stream code', async () => {
    // Act
    const on = await run('sink-on', source, { stdioSink: true, prototypeBuiltins: true });
    // Assess
    expect(streamCode(on.loaded)).toEqual([]);
    expect(lines(on.stdout)).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'served' }),
      expect.objectContaining({
        Served: 1,
        _aws: expect.objectContaining({ CloudWatchMetrics: expect.any(Array) }),
      }),
    ]);
  }, 60_000);

  it('is what keeps net out: without it the same lines load it', async () => {
    // Act
    const off = await run('sink-off', source, { stdioSink: false, prototypeBuiltins: true });
    // Assess
    expect(streamCode(off.loaded)).toContain('net');
    expect(lines(off.stdout)).toHaveLength(2);
  }, 60_000);
});

describe("prototype-builtins: built-ins read through the prototype of esbuild's __toESM result", () => {
  const source = [
    "import { createHash } from 'node:crypto';",
    "import { sep } from 'node:path';",
    "export const atInit = process.moduleLoadList.includes('NativeModule crypto');",
    "export const result = [atInit, sep, createHash('sha256').update('x').digest('hex').slice(0, 8)];",
  ].join('\n');

  it('still gives live named imports and loads node:crypto at first use only', async () => {
    // Act
    const on = await run('proto-on', source, { stdioSink: true, prototypeBuiltins: true });
    // Assess
    expect(on.result).toEqual([false, '/', '2d711642']);
  }, 60_000);

  it('is what defers node:crypto: without it the same import loads it at init', async () => {
    // Act
    const off = await run('proto-off', source, { stdioSink: true, prototypeBuiltins: false });
    // Assess
    expect(off.result).toEqual([true, '/', '2d711642']);
  }, 60_000);
});
