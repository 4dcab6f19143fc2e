/**
 * `npm start` and `serverless invoke local` as a user runs them: the real scripts as child
 * processes, in the repository root, with the environment of a fresh shell.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './local-env';

export const bin = (name: string): string => join(REPO_ROOT, 'node_modules', '.bin', name);
export const run = promisify(execFile);

/** The environment of a fresh shell plus `extra`: nothing of the test's own local setup leaks in. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(HANDSHAKE_|POWERTOOLS_|AWS_ACCESS|AWS_SECRET|AWS_SESSION|AWS_ENDPOINT|APP_DIR$|NODE_ENV$|IS_|PORT$)/.test(
        name,
      )
    )
      delete env[name];
  }
  return { ...env, ...extra };
}

export interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** `npm start` with `env`, resolved once it says it is running. */
export async function startLocal(env: NodeJS.ProcessEnv, timeoutMs = 150_000): Promise<Started> {
  let text = '';
  const child = spawn(bin('tsx'), [join(REPO_ROOT, 'tools', 'start.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const started = { child, output: () => text };
  const deadline = Date.now() + timeoutMs;
  while (!text.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return started;
}

/** Ctrl-C, and the exit code. */
export async function stopLocal(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  return exited;
}

export interface InvokedLocally {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The handler's result: the last pretty-printed value (logs come first, one JSON line each). */
  readonly result: () => { statusCode: number; body: string } & Record<string, unknown>;
}

/** `npx serverless invoke local -f fn -d <event>` in the repository root. */
export async function invokeLocal(
  fn: string,
  event: object,
  env: NodeJS.ProcessEnv,
): Promise<InvokedLocally> {
  const args = ['invoke', 'local', '-f', fn, '-d', JSON.stringify(event)];
  const done = await run(bin('serverless'), args, { cwd: REPO_ROOT, env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === 'number' ? error.code : 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
  return {
    ...done,
    result: () => JSON.parse(done.stdout.slice(done.stdout.lastIndexOf('\n{\n') + 1)),
  };
}
