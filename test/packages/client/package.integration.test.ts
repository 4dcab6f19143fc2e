/**
 * @handshake-oauth/client as a user installs it: built (`npm run build:client`), resolved by
 * its name through its `exports` from an app folder, types generated from a real FDK sample
 * app (`npm run validate -- --emit-types`), checked by `tsc` — the right calls compile, a wrong
 * template name and a missing context key do not — and `npm pack`'s contents.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/local-env';

const run = promisify(execFile);
const PACKAGE = join(REPO_ROOT, 'packages', 'client');
const SAMPLE = join(REPO_ROOT, 'test', 'fixtures', 'fdk-apps', 'request-method-samples', 'sample-app');
const TSC = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
let app: string;

beforeAll(async () => {
  await run('npm', ['run', '-s', 'build:client'], { cwd: REPO_ROOT });
  app = mkdtempSync(join(tmpdir(), 'handshake-client-app-'));
  cpSync(join(__dirname, 'fixture'), app, { recursive: true });
  mkdirSync(join(app, 'node_modules', '@handshake-oauth'), { recursive: true });
  symlinkSync(PACKAGE, join(app, 'node_modules', '@handshake-oauth', 'client'));
  await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [
    join(REPO_ROOT, 'tools', 'validate.ts'),
    SAMPLE,
    '--emit-types',
    join(app, 'handshake-templates.ts'),
  ]);
}, 120_000);
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** `tsc` on one file of the app with its tsconfig's options; its exit code and output. */
async function compile(file: string): Promise<{ code: number; output: string }> {
  const options = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')).compilerOptions as Record<
    string,
    unknown
  >;
  const flags = Object.entries(options).flatMap(([name, value]) => [
    `--${name}`,
    Array.isArray(value) ? value.join(',') : String(value),
  ]);
  try {
    const { stdout } = await run(TSC, [...flags.filter((flag) => flag !== ''), join(app, file)], {
      cwd: app,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, output: stdout };
  }
}

describe('the generated template types', () => {
  it('name every declared template with the context keys it reads', () => {
    const types = readFileSync(join(app, 'handshake-templates.ts'), 'utf8');
    expect(types).toContain('getStarWarsPeopleDetails: { context: { id: ContextValue } };');
    expect(types).toContain('getStarWarsPeople: { context: {} };');
    expect(types).toContain(
      'iparamValidate: { context: { api_key: ContextValue; subdomain: ContextValue } };',
    );
    expect(types).toContain("import type { ContextValue } from '@handshake-oauth/client';");
  });

  it('let the right calls compile, as ES module and as CommonJS', async () => {
    expect(await compile('ok.ts')).toEqual({ code: 0, output: '' });
    expect(await compile('ok-require.cts')).toEqual({ code: 0, output: '' });
  }, 60_000);

  it('make a wrong template name a compile error', async () => {
    const { code, output } = await compile('wrong-name.ts');
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /wrong-name\.ts\(\d+,\d+\): error TS2345: Argument of type '"getStarWarsPeopel"' is not assignable/,
    );
  }, 60_000);

  it('make a missing context key, a missing context and an unknown key compile errors', async () => {
    const { code, output } = await compile('missing-key.ts');
    expect(code).not.toBe(0);
    expect(output).toMatch(/missing-key\.ts\(\d+,\d+\): error TS2741: Property 'id' is missing/);
    expect(output).toMatch(/missing-key\.ts\(\d+,\d+\): error TS2554: Expected 2 arguments, but got 1/);
    expect(output).toMatch(/missing-key\.ts\(\d+,\d+\): error TS2353: .*'starship' does not exist/);
    expect(output.match(/error TS/g)).toHaveLength(3);
  }, 60_000);
});

describe('the built package', () => {
  it('exports the same API to import and to require', async () => {
    const { stdout: esm } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import('@handshake-oauth/client').then((m) => console.log(Object.keys(m).sort().join()))",
      ],
      { cwd: app },
    );
    const { stdout: cjs } = await run(
      process.execPath,
      ['-e', "console.log(Object.keys(require('@handshake-oauth/client')).sort().join())"],
      { cwd: app },
    );
    expect(esm.trim()).toBe(
      'DEFAULT_TOLERANCE_SECONDS,HandshakeApiError,InvokeError,createClient,verifyWebhook',
    );
    expect(cjs.trim()).toBe(esm.trim());
  });

  it('packs its builds, declarations, README and package.json — no sources or tests', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PACKAGE,
    });
    const [packed] = JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string }> }>;
    const files = (packed?.files ?? []).map((file) => file.path).sort();
    expect(packed?.name).toBe('@handshake-oauth/client');
    for (const expected of [
      'README.md',
      'package.json',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/esm/package.json',
      'dist/cjs/package.json',
    ])
      expect(files).toContain(expected);
    expect(
      files.filter(
        (file) =>
          file.startsWith('src/') ||
          /\.test\.|tsconfig/.test(file) ||
          (/\.ts$/.test(file) && !/\.d\.ts$/.test(file)),
      ),
    ).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
  });
});
