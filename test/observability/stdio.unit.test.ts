/**
 * The stream under the logger's and metrics' Console: in a Lambda each line goes out with a
 * synchronous write on the descriptor, without creating process.stdout; when the pipe is full
 * and the descriptor non-blocking it hands over to Node's stream without losing or reordering
 * a line; run locally it writes through process.stdout. The Lambda cases run in a child Node
 * whose stdout is a pipe this test reads slowly, so the pipe really fills up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { StdioSink, stdioConsole } from '../../lib/observability/stdio';
import { REPO_ROOT } from '../support/local-env';

const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const { REQUIRE_BANNER } = require('../../infra/esbuild.config.cjs') as { REQUIRE_BANNER: string };
const { builtinsViaRequire } = require('../../infra/esbuild-plugins.cjs') as {
  builtinsViaRequire: (options: {
    prototypeBuiltins: boolean;
  }) => NonNullable<Parameters<typeof build>[0]['plugins']>[number];
};

const LINES = 1000;
/** 1000 lines of 4 KB: 4 MB, far more than a pipe holds (64 KB on Linux). */
const line = (i: number) => `${String(i).padStart(6, '0')} ${'x'.repeat(4000)}\n`;

let dir: string;
let child: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-stdio-'));
  // The sink bundled as the functions are: built-ins through the banner's require().
  await build({
    entryPoints: [join(REPO_ROOT, 'lib', 'observability', 'stdio.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: { js: REQUIRE_BANNER },
    plugins: [builtinsViaRequire({ prototypeBuiltins: true })],
    outfile: join(dir, 'stdio.mjs'),
    logLevel: 'silent',
  });
  child = join(dir, 'writer.mjs');
  writeFileSync(
    child,
    [
      "import fs from 'node:fs';",
      // Count the writes the pipe refused; the sink reads fs.writeSync at each call.
      'let refused = 0;',
      'const writeSync = fs.writeSync;',
      "fs.writeSync = (...args) => { try { return writeSync(...args); } catch (error) { if (error.code === 'EAGAIN') refused++; throw error; } };",
      `const { StdioSink, stdioConsole } = await import(${JSON.stringify(join(dir, 'stdio.mjs'))});`,
      // Creating process.stdout makes libuv switch the pipe to non-blocking, as any library may.
      "if (process.argv[2] !== 'blocking') process.stdout;",
      'const sink = new StdioSink(1, () => false);',
      // Two Consoles, as the logger and the metrics each have one, taking turns line by line.
      'const consoles = [stdioConsole(), stdioConsole()];',
      `const text = (i) => \`\${String(i).padStart(6, '0')} \${'x'.repeat(4000)}\`;`,
      `for (let i = 0; i < ${LINES}; i++) {`,
      "  if (process.argv[2] !== 'two-consoles') sink.write(text(i) + '\\n');",
      '  else consoles[i % 2].log(text(i));',
      // At the first refused write, block (the event loop cannot flush process.stdout's queue)
      // while the test drains the pipe: the next line finds room in the pipe.
      "  if (process.argv[2] === 'two-consoles' && refused > 0 && !globalThis.waited) {",
      '    globalThis.waited = true;',
      "    writeSync(2, 'R');",
      '    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);',
      '  }',
      '}',
      "const net = process.moduleLoadList.includes('NativeModule net');",
      'writeSync(2, JSON.stringify({ refused, net }));',
    ].join('\n'),
  );
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the writer; reads nothing from its stdout for the first `pauseMs` — or, with
 * 'refused', until the writer says (an R on stderr) that a write was refused — then everything.
 */
function runWriter(mode: 'blocking' | 'nonblocking' | 'two-consoles', pauseMs: number | 'refused' = 300) {
  return new Promise<{ out: string; report: { refused: number; net: boolean }; code: number | null }>(
    (resolve, reject) => {
      // A Lambda's environment: not the test's NODE_ENV, so the sink writes to the descriptor.
      const env = { PATH: process.env.PATH, AWS_LAMBDA_FUNCTION_NAME: 'handshake-test-writer' };
      const proc = spawn(NODE, [child, mode], { stdio: ['ignore', 'pipe', 'pipe'], env });
      const out: Buffer[] = [];
      let err = '';
      proc.stdout.pause();
      const read = () => proc.stdout.on('data', (chunk: Buffer) => out.push(chunk)).resume();
      if (pauseMs !== 'refused') setTimeout(read, pauseMs);
      proc.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (pauseMs === 'refused' && err.startsWith('R') && proc.stdout.isPaused()) read();
      });
      proc.on('error', reject);
      proc.on('close', (code) => {
        try {
          resolve({ out: Buffer.concat(out).toString(), report: JSON.parse(err.replace(/^R/, '')), code });
        } catch {
          reject(new Error(`writer failed (${code}): ${err}`));
        }
      });
    },
  );
}

const expected = Array.from({ length: LINES }, (_, i) => line(i)).join('');

describe('StdioSink in a Lambda', () => {
  it('writes every line in order through the descriptor without creating process.stdout', async () => {
    // Act
    const { out, report, code } = await runWriter('blocking');
    // Assess
    expect(code).toBe(0);
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
    expect(report).toEqual({ refused: 0, net: false });
  }, 30_000);

  it('hands over to process.stdout when a non-blocking pipe is full, losing and reordering nothing', async () => {
    // Act
    const { out, report, code } = await runWriter('nonblocking');
    // Assess
    expect(code).toBe(0);
    expect(report.refused).toBeGreaterThanOrEqual(1);
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
  }, 30_000);
});

describe('stdioConsole in a Lambda', () => {
  it('keeps the order of lines from two Consoles when one of them had to hand over', async () => {
    // Act: nothing is read until the pipe is full and a write was refused; the writer then
    // pauses while this test reads, so the pipe has room again while the handed-over line still
    // waits in process.stdout's queue — a Console that then wrote straight to the descriptor
    // would overtake it.
    const { out, report, code } = await runWriter('two-consoles', 'refused');
    // Assess
    expect(code).toBe(0);
    expect(report.refused).toBeGreaterThanOrEqual(1);
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
  }, 30_000);
});

describe('StdioSink run locally', () => {
  it('writes through process.stdout and process.stderr, where serverless-offline and the tests read', () => {
    // Prepare
    const written: string[] = [];
    const spies = (['stdout', 'stderr'] as const).map((name) =>
      jest.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(`${name}:${String(chunk)}`);
        return true;
      }),
    );
    try {
      // Act
      new StdioSink(1, () => true).write('to stdout\n');
      new StdioSink(2, () => true).write('to stderr\n');
      stdioConsole().error('from a console');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    // Assess: tests run locally (NODE_ENV=test), so stdioConsole() writes to process.stderr too.
    expect(written).toEqual(['stdout:to stdout\n', 'stderr:to stderr\n', 'stderr:from a console\n']);
  });
});
