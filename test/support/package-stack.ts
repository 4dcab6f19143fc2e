/**
 * `serverless package` on a copy of the project, on a machine without AWS credentials: the
 * CloudFormation template a deploy would send, for the tests of test/infra/.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Template } from '../../tools/template-check';
import { REPO_ROOT } from './local-env';

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
};
export type PackagedTemplate = Template & {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown; Description?: string }>;
};

const COPIED = [
  'serverless.yml',
  'package.json',
  'tsconfig.json',
  'infra',
  'functions',
  'lib',
  'app',
  'tools',
];

/** A copy of the project, so that a package run shares no build folder with other tests. */
export function projectCopy(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-package-'));
  for (const entry of COPIED) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of a clean machine: none of this project's settings, no AWS credentials. */
function cleanEnv(dir: string, env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(clean)) {
    if (/^(AWS_|HANDSHAKE_|PUBLIC_URL$|APP_DIR$)/.test(name)) delete clean[name];
  }
  return { ...clean, HOME: dir, ...env };
}

/**
 * `serverless package --stage prod <args>` in `dir`, into a folder of its own; the template
 * and its text. Rejects with serverless's output when packaging fails.
 */
export async function packageStack(
  dir: string,
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<{ readonly template: PackagedTemplate; readonly raw: string }> {
  const out = join(dir, `.package-${name}`);
  try {
    await promisify(execFile)(
      join(dir, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', 'prod', '--package', out, ...args],
      { cwd: dir, env: cleanEnv(dir, env), timeout: 180_000 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
  const raw = readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8');
  return { template: JSON.parse(raw) as PackagedTemplate, raw };
}
