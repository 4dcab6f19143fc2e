/**
 * What runs in Lambda is functions/ and lib/, visible in the tree: neither imports build-time
 * or local-only code (tools/, tools/, test/, infra/ — but the table definition, which serverless.yml
 * reads too), and functions/ import lib/ only, never one another.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/**
 * lib/'s folders from the top down: each may import only its own files and the folders below
 * it, so an upward import (or a cycle) fails here. A new folder must be placed in this list.
 */
const LAYERS = [
  'wiring', // the composition root: builds every use case from config and the app
  'console', // the operator's console: server-rendered pages over the same use cases as the API
  'api', // each route's request schema and the pages' answers
  'invoke', // use cases: invoke joins refresh, refresh reads connect links' rules…
  'refresh',
  'connect',
  'pages', // server-rendered pages (their HTTP result type comes from http)
  'http', // the handler wrapper, request parsing, the error table
  'overview', // GET /overview: the counters the writes keep, read back
  'installations',
  'events',
  'access', // who a key is and what it may do
  'tokens', // sealed token sets
  'store', // DynamoDB adapters behind lib/store/ports.ts
  'accounts', // the account's states, transitions and decisions
  'oauth',
  'egress',
  'app', // the validated app model and its templates
  'crypto',
  'secrets',
  'observability',
  'concurrency', // the one worker pool
  'config.ts',
  'validation.ts',
  'errors.ts',
] as const;

/** The lib/ folder (or root file) a repo-relative path belongs to; undefined outside lib/. */
function layerOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'lib' || parts.length < 2) return undefined;
  const name = parts[1] ?? '';
  if (parts.length > 2) return name;
  return existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isDirectory()
    ? name
    : `${name.replace(/\.ts$/, '')}.ts`;
}

describe('layers of lib/', () => {
  const rank = new Map<string, number>(LAYERS.map((name, index) => [name, index]));

  it('places every folder of lib/ in a layer', () => {
    const unplaced = [
      ...new Set(sources(join(ROOT, 'lib')).map((file) => layerOf(relative(ROOT, file)) ?? '')),
    ]
      .filter((layer) => !rank.has(layer))
      .sort();
    expect(unplaced).toEqual([]);
  });

  it('has no upward import between folders', () => {
    const upward = sources(join(ROOT, 'lib')).flatMap((file) => {
      const from = layerOf(relative(ROOT, file)) ?? '';
      return relativeImports(file)
        .filter((target) => {
          const to = layerOf(target);
          return to !== undefined && to !== from && (rank.get(to) ?? -1) < (rank.get(from) ?? -1);
        })
        .map((target) => `${relative(ROOT, file)} → ${target}`);
    });
    expect(upward).toEqual([]);
  });

  it('sees an upward import (the check itself works)', () => {
    expect(layerOf('lib/wiring/invoke.ts')).toBe('wiring');
    expect(layerOf('lib/config')).toBe('config.ts');
    expect(rank.get('wiring')).toBeLessThan(rank.get('store') ?? 0);
  });
});

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
