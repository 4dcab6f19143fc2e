/**
 * The paging both listings share (GET /installations, GET /events): --limit and --cursor as the
 * API takes them (lib/api/listing.ts), and --all, which follows `next` until it is null.
 */
import { LIMIT } from '../../lib/api/listing';
import { type Usage, usageError } from '../cli';
import type { ApiClient, Query } from './api-client';

export const PAGING_OPTIONS = {
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const;

export const PAGING_ROWS = [
  [
    '--limit <n>',
    `rows per page, ${LIMIT.min}–${LIMIT.max} (default ${LIMIT.default}; ${LIMIT.max} with --all)`,
  ],
  ['--cursor <c>', 'the page after the one whose `next` this is'],
  ['--all', 'every page: follows `next` until the end'],
] as const;

export interface Paging {
  readonly limit: string | undefined;
  readonly cursor: string | undefined;
  readonly all: boolean;
}

/** --limit checked as the API would, so the mistake is named as an option (exit 2). */
export function pagingOf(
  usage: Usage,
  values: { limit?: string | undefined; cursor?: string | undefined; all?: boolean | undefined },
): Paging {
  const { limit, cursor } = values;
  if (limit !== undefined) {
    const n = /^\d{1,3}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= LIMIT.min && n <= LIMIT.max)) {
      usageError(usage, `--limit must be a whole number from ${LIMIT.min} to ${LIMIT.max}, got "${limit}"`);
    }
  }
  const all = values.all === true;
  return { limit: limit ?? (all ? String(LIMIT.max) : undefined), cursor, all };
}

/** A value of a closed set, or a usage error naming the option and what it takes. */
export function oneOf<T extends string>(
  usage: Usage,
  option: string,
  allowed: readonly T[],
  value: string | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    usageError(usage, `${option} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export type Page<K extends string, Row> = { readonly [key in K]: readonly Row[] } & {
  readonly next: string | null;
};

/**
 * One page, or with --all every page from the cursor on, joined into one answer of the same
 * shape (`next` null): `jq '.installations[]'` reads both alike.
 */
export async function fetchPages<K extends string, Row>(
  api: ApiClient,
  path: string,
  key: K,
  query: Query,
  paging: Paging,
): Promise<{ readonly rows: readonly Row[]; readonly next: string | null; readonly text: string }> {
  const rows: Row[] = [];
  const seen = new Set<string>();
  let cursor = paging.cursor;
  for (;;) {
    const { body, text } = await api.send<Page<K, Row>>({
      method: 'GET',
      path,
      query: { ...query, limit: paging.limit, cursor },
    });
    rows.push(...body[key]);
    if (!paging.all) return { rows, next: body.next, text };
    // A cursor seen before would page forever; the API never gives one, but a loop must end.
    if (body.next === null || seen.has(body.next)) break;
    seen.add(body.next);
    cursor = body.next;
  }
  return { rows, next: null, text: JSON.stringify({ [key]: rows, next: null }) };
}
