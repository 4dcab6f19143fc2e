import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { BROKEN_APPS } from './helpers';

const cases = readdirSync(BROKEN_APPS).sort();
const expectedLines = (name: string): string[] =>
  readFileSync(join(BROKEN_APPS, name, 'expected.txt'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

describe('deliberately broken apps', () => {
  it('cover at least twenty mistakes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s produces exactly the lines of its expected.txt', (name) => {
    // Prepare
    const expected = expectedLines(name);
    // Act
    const { problems } = loadApp(readAppDir(join(BROKEN_APPS, name)));
    // Assess
    expect(problems.map(formatProblemLine)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});

describe('tools/validate.ts', () => {
  const repo = resolve(__dirname, '../../..');
  const run = (dir: string) =>
    spawnSync(join(repo, 'node_modules/.bin/tsx'), [join(repo, 'tools/validate.ts'), dir], {
      cwd: repo,
      encoding: 'utf8',
    });

  it('exits 1 and prints one line per problem, then a summary, on a broken app', () => {
    // Prepare
    const dir = join(BROKEN_APPS, 'host-ip-address');
    // Act
    const result = run(dir);
    // Assess
    const lines = result.stdout.trimEnd().split('\n');
    expect(result.status).toBe(1);
    expect(lines.slice(0, -1)).toEqual(expectedLines('host-ip-address'));
    expect(lines.at(-1)).toBe(`✗ ${dir}/ is invalid: 4 errors`);
  });

  it('lists errors before warnings', () => {
    const lines = run(join(BROKEN_APPS, 'declared-template-missing')).stdout.split('\n');
    expect(lines[0]).toMatch(/^error /);
    expect(lines[1]).toMatch(/^warning /);
  });

  it('exits 0 on the sample app with its counts', () => {
    // Act
    const result = run('app');
    // Assess
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Off the Freshworks platform \(\d+ differences\):$/);
    expect(lines.slice(1, -1).every((line) => line.startsWith('warning '))).toBe(true);
    expect(lines.at(-1)).toBe(
      `✓ app/ is valid: 3 integrations, 7 templates, 2 iparams (${lines.length - 2} warnings)`,
    );
  });
});
