/**
 * What runs in Lambda is functions/ and lib/, visible in the tree: neither imports build-time
 * or local-only code (tools/, scripts/, test/, infra/ — but the table definition, which serverless.yml
 * reads too), and functions/ import lib/ only, never one another.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** The one file outside lib/ that runs in Lambda: the table layout, shared with serverless.yml. */
const SHARED = new Set(['infra/table.json']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative module a file imports, statically or with import()/require(), repo-relative. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? '');
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(dirname(file), specifier)));
}

describe('what runs in Lambda', () => {
  it('lib/ imports nothing outside lib/ but the table definition', () => {
    const outside = sources(join(ROOT, 'lib')).flatMap((file) =>
      relativeImports(file)
        .filter((target) => !target.startsWith('lib/') && !SHARED.has(target))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('functions/ import lib/ only', () => {
    const outside = sources(join(ROOT, 'functions')).flatMap((file) =>
      relativeImports(file)
        .filter((target) => !target.startsWith('lib/'))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('finds an import that crosses the line (the check itself works)', () => {
    const file = join(ROOT, 'lib', 'store', 'table.ts');
    expect(relativeImports(file)).toContain('infra/table.json');
  });
});
