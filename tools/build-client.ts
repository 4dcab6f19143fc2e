/**
 * `npm run build:client`: packages/client/dist — the client as one ES module and one CommonJS
 * file (esbuild, Node 18, nothing bundled but the client's own code: it has no dependency), each
 * beside its declarations (tsc) and a package.json saying which module kind the folder holds.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(__dirname, '..', 'packages', 'client');
const dist = join(root, 'dist');

async function main(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  for (const [folder, format, type] of [
    ['esm', 'esm', 'module'],
    ['cjs', 'cjs', 'commonjs'],
  ] as const) {
    await build({
      entryPoints: [join(root, 'src', 'index.ts')],
      outfile: join(dist, folder, 'index.js'),
      bundle: true,
      format,
      platform: 'node',
      target: 'node18',
      packages: 'external',
      legalComments: 'none',
    });
    execFileSync(
      join(__dirname, '..', 'node_modules', '.bin', 'tsc'),
      ['-p', join(root, 'tsconfig.json'), '--outDir', join(dist, folder)],
      { stdio: 'inherit' },
    );
    writeFileSync(join(dist, folder, 'package.json'), `${JSON.stringify({ type }, null, 2)}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
