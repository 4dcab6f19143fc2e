import type { AppFileName } from './files';

export type Severity = 'error' | 'warning';

/** One finding of validation: where it is, what is wrong and what would be accepted instead. */
export interface Problem {
  readonly severity: Severity;
  /** Path inside the app folder, e.g. `config/requests.json`. */
  readonly file: string;
  /** JSON path inside the file, e.g. `$.getContacts.schema.host`; empty for a line of code. */
  readonly path: string;
  /** 1-based line in the file, where the finding was located (the migration check's). */
  readonly line?: number;
  /** What is wrong, quoting the offending value. */
  readonly message: string;
  /** What would be accepted instead. */
  readonly allowed: string;
}

/**
 * `config/requests.json $.x.schema.host: host "1.2.3.4" is an IP address — allowed: a domain name …`;
 * with a line, `config/requests.json:7 $.x.schema.path: …` or `server/server.js:12: …`.
 */
export function formatProblem(problem: Problem): string {
  const line = problem.line === undefined ? '' : `:${problem.line}`;
  const path = problem.path === '' ? '' : ` ${problem.path}`;
  return `${problem.file}${line}${path}: ${problem.message} — allowed: ${problem.allowed}`;
}

/** The CLI line: the severity, then `formatProblem`. */
export function formatProblemLine(problem: Problem): string {
  return `${problem.severity} ${formatProblem(problem)}`;
}

/** Errors first, each group in the order found. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [
    ...problems.filter((problem) => problem.severity === 'error'),
    ...problems.filter((problem) => problem.severity === 'warning'),
  ];
}

/** A place in the app folder: a file and a JSON path inside it. */
export interface Where {
  readonly file: AppFileName;
  readonly path: string;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** The JSON path of `key` under `path`: `$.a.b`, `$.list[0]`, `$["odd key"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export const child = (where: Where, ...keys: readonly (string | number)[]): Where => ({
  file: where.file,
  path: keys.reduce<string>(childPath, where.path),
});

const MAX_QUOTE = 80;

/** A short, quoted rendering of a JSON value for a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > MAX_QUOTE ? `${quoted.slice(0, MAX_QUOTE - 2)}…"` : quoted;
  }
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

/** Collects problems while a file is read; loaders report into it and carry on. */
export class ProblemSink {
  readonly problems: Problem[] = [];

  error(where: Where, message: string, allowed: string): void {
    this.add({ severity: 'error', file: where.file, path: where.path, message, allowed });
  }

  warning(where: Where, message: string, allowed: string): void {
    this.add({ severity: 'warning', file: where.file, path: where.path, message, allowed });
  }

  // Two checks may reach the same finding by different routes; the reader needs it once.
  private add(problem: Problem): void {
    const line = formatProblemLine(problem);
    if (!this.problems.some((known) => formatProblemLine(known) === line)) this.problems.push(problem);
  }

  get hasErrors(): boolean {
    return this.problems.some((problem) => problem.severity === 'error');
  }

  /** A mark to pass to `errorsSince`. */
  mark(): number {
    return this.problems.length;
  }

  /** Whether an error was reported after `mark` was taken; with `at`, one at exactly that place. */
  errorsSince(mark: number, at?: Where): boolean {
    return this.problems
      .slice(mark)
      .some(
        (problem) =>
          problem.severity === 'error' &&
          (at === undefined || (problem.file === at.file && problem.path === at.path)),
      );
  }
}
