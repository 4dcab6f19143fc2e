/**
 * What the deployed bundles are made of (infra/esbuild.config.cjs and its plugins): no validator
 * or full zod in a Lambda, Node built-ins through require() and the costly ones loaded at first
 * use, and no SDK event-stream code — with a build that refuses a client that would need it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from '../support/local-env';

const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const plugins = require('../../infra/esbuild-plugins.cjs') as Record<
  string,
  NonNullable<BuildOptions['plugins']>[number]
>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

/** The bundle of `entry` (in `dir`), ESM with the deployment's banner and the given plugins. */
async function bundle(entry: string, use: readonly string[]) {
  return build({
    entryPoints: [join(dir, entry)],
    absWorkingDir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    write: true,
    outfile: join(dir, entry.replace(/\.ts$/, '.mjs')),
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: use.map((name) => plugins[name] as NonNullable<BuildOptions['plugins']>[number]),
    logLevel: 'silent',
  });
}

describe('builtins-via-require', () => {
  it('imports no built-in as an ES module and loads node:crypto only when first used', async () => {
    // Prepare
    write(
      'crypto-user.ts',
      [
        "import { createHash } from 'node:crypto';",
        "import * as path from 'node:path';",
        "export const loadedAtInit = process.moduleLoadList.includes('NativeModule crypto');",
        "export const hash = (text: string) => createHash('sha256').update(text).digest('hex');",
        "export const joined = path.join('a', 'b');",
      ].join('\n'),
    );
    // Act
    await bundle('crypto-user.ts', ['builtinsViaRequire']);
    const script = `const m = await import(${JSON.stringify(join(dir, 'crypto-user.mjs'))}); console.log(JSON.stringify([m.loadedAtInit, m.hash('x').slice(0, 8), m.joined, process.moduleLoadList.includes('NativeModule crypto')]));`;
    const out = execFileSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    // Assess
    expect(JSON.parse(out)).toEqual([false, '2d711642', 'a/b', true]);
  });

  it('leaves no static import of a built-in in the bundle but the banner', async () => {
    // Prepare
    write('http-user.ts', "import { Agent } from 'node:https';\nexport const agent = () => new Agent();\n");
    // Act
    const result = await bundle('http-user.ts', ['builtinsViaRequire']);
    // Assess
    expect(result.errors).toEqual([]);
    const text = readFileSync(join(dir, 'http-user.mjs'), 'utf8');
    expect(text.match(/^import .*$/gm)).toEqual([expect.stringContaining("from 'node:module'")]);
  });
});

describe('without-event-streams', () => {
  it('refuses to build a client whose schemas have a streaming member', async () => {
    // Prepare
    write(
      'node_modules/@aws-sdk/client-fake/package.json',
      '{"name":"@aws-sdk/client-fake","version":"1.0.0","module":"dist-es/index.js"}',
    );
    write(
      'node_modules/@aws-sdk/client-fake/dist-es/index.js',
      'export { schema } from "./schemas/schemas_0.js";',
    );
    write(
      'node_modules/@aws-sdk/client-fake/dist-es/schemas/schemas_0.js',
      'const _st = "streaming";\nexport const schema = [_st];',
    );
    write('fake-user.ts', "import { schema } from '@aws-sdk/client-fake';\nexport const s = schema;\n");
    // Act
    const act = bundle('fake-user.ts', ['withoutEventStreams']);
    // Assess
    await expect(act).rejects.toThrow(/client-fake.*streaming operations.*without-event-streams/s);
  });
});

describe('a deployed function bundle', () => {
  it('carries the app model but neither the validator, full zod nor the SDK event streams', async () => {
    // Prepare
    const options = (require('../../infra/esbuild.config.cjs') as () => Record<string, unknown>)();
    const esbuildOptions = { ...options } as BuildOptions & Record<string, unknown>;
    delete esbuildOptions.exclude;
    delete esbuildOptions.outputFileExtension;
    // Act
    const result = await build({
      ...esbuildOptions,
      entryPoints: [join(REPO_ROOT, 'functions', 'invoke.ts')],
      absWorkingDir: REPO_ROOT,
      write: false,
      outdir: join(dir, 'invoke'),
      metafile: true,
      logLevel: 'silent',
    });
    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('lib/app/bundled.ts');
    expect(inputs.filter((input) => /lib\/app\/(validate|load-folder|schemas\/)/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /zod\/v4\/classic|event-streams\//.test(input))).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('Service Desk Sync');
  }, 60_000);
});
