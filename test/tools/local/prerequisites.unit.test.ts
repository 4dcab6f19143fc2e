/**
 * The prerequisite check `npm test` runs first: Java 17+ and Chromium, found the way DynamoDB
 * Local and the browser tests find them, reported with the command that installs them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import {
  chromiumPath,
  chromiumProblem,
  javaMajorVersion,
  javaProblem,
  missingTestPrerequisites,
} from '../../../tools/local/prerequisites';

const REPO = resolve(__dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'handshake-prereq-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh PATH directory holding the given executables (name → shell script body). */
function binDir(scripts: Record<string, string>): string {
  dirs += 1;
  const dir = join(root, `bin-${dirs}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** A `java` whose `-version` prints `line` on stderr, as real ones do. */
const fakeJava = (line: string) => ({ java: `echo '${line}' >&2` });
const JAVA_17 = fakeJava('openjdk version "17.0.15" 2025-04-15');
const CHROMIUM = { chromium: 'exit 0' };

describe('javaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "22-ea" 2024-03-19', 22],
    ['java version "1.8.0_381"', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
    ['Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "17.0.2" 2022-01-18', 17],
    ['command not found', undefined],
    ['openjdk version "x.y"', undefined],
  ])('reads %j as %p', (output, major) => {
    expect(javaMajorVersion(output)).toBe(major);
  });
});

describe('javaProblem', () => {
  it.each([
    ['no java on PATH', {}, /no java on PATH/],
    ['Java 11', fakeJava('openjdk version "11.0.2" 2019-01-15'), /is Java 11$/],
    ['a java that prints no version', { java: 'echo broken >&2; exit 3' }, /printed no version \(broken\)/],
  ])('reports %s', (_case, scripts, found) => {
    // Prepare
    const env = { PATH: binDir(scripts) };
    // Act
    const missing = javaProblem(env);
    // Assess
    expect(missing?.prerequisite.debianPackage).toBe('openjdk-17-jre-headless');
    expect(missing?.found).toMatch(found);
  });

  it('accepts Java 17 and later', () => {
    expect(javaProblem({ PATH: binDir(JAVA_17) })).toBeUndefined();
    expect(javaProblem({ PATH: binDir(fakeJava('openjdk version "21.0.1" 2023-10-17')) })).toBeUndefined();
  });
});

describe('chromiumPath and chromiumProblem', () => {
  it('takes CHROMIUM_PATH over PATH, and a chromium anywhere on PATH over a chromium-browser', () => {
    // Prepare
    const both = binDir({ chromium: 'exit 0', 'chromium-browser': 'exit 0' });
    const ubuntu = binDir({ 'chromium-browser': 'exit 0' });
    // Act, Assess
    expect(chromiumPath({ PATH: both, CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
    expect(chromiumPath({ PATH: `${ubuntu}${delimiter}${both}` })).toBe(join(both, 'chromium'));
    expect(chromiumPath({ PATH: ubuntu })).toBe(join(ubuntu, 'chromium-browser'));
    expect(chromiumPath({ PATH: binDir({}) })).toBeUndefined();
  });

  it.each([
    ['none at all', undefined, /CHROMIUM_PATH is not set/],
    ['a path that does not exist', '/nonexistent/chromium', /\/nonexistent\/chromium is not an executable/],
    ['a relative path', 'chromium', /chromium is not an executable file \(an absolute path/],
  ])('refuses %s', (_case, path, found) => {
    const missing = chromiumProblem(path);
    expect(missing?.prerequisite.debianPackage).toBe('chromium');
    expect(missing?.found).toMatch(found);
  });

  it('refuses a file that is not executable and accepts one that is', () => {
    // Prepare
    const dir = binDir(CHROMIUM);
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    // Act, Assess
    expect(chromiumProblem(plain)?.found).toMatch(/is not an executable file/);
    expect(chromiumProblem(join(dir, 'chromium'))).toBeUndefined();
  });

  it('finds nothing missing when both are there', () => {
    expect(missingTestPrerequisites({ PATH: binDir({ ...JAVA_17, ...CHROMIUM }) })).toEqual([]);
  });
});

describe('tools/check-test-prerequisites.ts', () => {
  /** Runs the check as `npm test` does, with node and tsx given by path so PATH can lack anything. */
  function check(env: Record<string, string>, args: string[] = []) {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'tools/check-test-prerequisites.ts'), ...args],
      { cwd: REPO, env, encoding: 'utf8', timeout: 20_000 },
    );
    return { ...run, ms: Date.now() - started };
  }

  it('stops at once, non-zero, with the install line when CHROMIUM_PATH points nowhere', () => {
    // Prepare
    const env = { PATH: binDir({ ...JAVA_17, ...CHROMIUM }), CHROMIUM_PATH: '/nonexistent' };
    // Act
    const run = check(env);
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/nonexistent is not an executable file');
    expect(run.stderr).toContain('apt-get install -y chromium');
    expect(run.stderr).toContain('CHROMIUM_PATH=/path/to/chromium npm test');
    expect(run.stderr).not.toContain('Java');
    // Nothing is started: the run is tsx's start-up and one `java -version`, not seconds of jest.
    expect(run.ms).toBeLessThan(5_000);
  });

  it('names Java and its package when PATH has no java', () => {
    // Prepare
    const env = { PATH: binDir(CHROMIUM) };
    // Act
    const run = check(env);
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Java 17+, needed by DynamoDB Local');
    expect(run.stderr).toContain('no java on PATH');
    expect(run.stderr).toContain('apt-get install -y openjdk-17-jre-headless');
    expect(run.stderr).not.toContain('apt-get install -y chromium');
  });

  it('names a java that is too old', () => {
    const run = check({ PATH: binDir({ ...fakeJava('java version "1.8.0_381"'), ...CHROMIUM }) });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/java is Java 8\n/);
  });

  it('passes silently when both are there', () => {
    const run = check({ PATH: binDir({ ...JAVA_17, ...CHROMIUM }) });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('lists the Debian packages of what is missing with --debian-packages, for .ci/run', () => {
    // Prepare
    const nothing = { PATH: binDir({}) };
    const noChromium = { PATH: binDir(JAVA_17) };
    // Act
    const both = check(nothing, ['--debian-packages']);
    const one = check(noChromium, ['--debian-packages']);
    // Assess
    expect({ status: both.status, stdout: both.stdout }).toEqual({
      status: 0,
      stdout: 'openjdk-17-jre-headless\nchromium\n',
    });
    expect(one.stdout).toBe('chromium\n');
  });
});
