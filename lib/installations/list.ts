import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import { forEachPooled } from '../concurrency/pool';
import { InvalidInputError, NotFoundError } from '../errors';
import { LISTING, listingIdOf } from '../store/layout';
import type { ListingReader } from '../store/ports';
import { type CursorScope, openCursor, sealCursor } from '../tokens/listing-cursor';
import { describeInstallation, type InstallationDeps } from './service';
import type { InstallationView } from './view';

export interface ListingDeps extends InstallationDeps {
  readonly listing: ListingReader;
}

/** What GET /installations asks for, parsed at the edge (lib/api/listing.ts). */
export interface InstallationsQuery {
  readonly status?: ListedStatus | undefined;
  readonly integration?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface InstallationsPage {
  readonly installations: readonly InstallationView[];
  readonly next: string | null;
}

/** Rows read at once: each is the installation item and its accounts (GET /installations/{id}). */
const ROW_CONCURRENCY = 8;

/**
 * The listing partitions a filter spans (lib/store/layout.ts LISTING): accounts sit in their
 * integration-and-status partition, so a status alone reads it for each of the app's
 * integrations and an integration alone for each status; no filter reads the installations'.
 */
function partitionsOf(integrations: readonly string[], query: InstallationsQuery): string[] {
  const { status, integration } = query;
  if (status === undefined && integration === undefined) return [LISTING.installations];
  const names = integration === undefined ? integrations : [integration];
  const statuses = status === undefined ? LISTED_STATUSES : [status];
  return names.flatMap((name) => statuses.map((each) => LISTING.account(name, each)));
}

/** The rows of the page's installations, in its order; one deleted since the index was read is left out. */
async function rowsOf(deps: InstallationDeps, ids: readonly string[]): Promise<InstallationView[]> {
  const rows: Array<InstallationView | undefined> = [];
  await forEachPooled(
    ids.map((id, index) => ({ id, index })),
    { concurrency: ROW_CONCURRENCY },
    async ({ id, index }) => {
      try {
        rows[index] = await describeInstallation(deps, id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
  );
  return rows.filter((row): row is InstallationView => row !== undefined);
}

/** GET /installations: newest first, one page, from the listing index (never a scan). */
export async function listInstallations(
  deps: ListingDeps,
  query: InstallationsQuery,
): Promise<InstallationsPage> {
  const integrations = [...deps.app.integrations.keys()];
  if (query.integration !== undefined && !deps.app.integrations.has(query.integration)) {
    throw new InvalidInputError(
      `integration must be one of the app's integrations: ${integrations.join(', ')}`,
    );
  }
  const scope: CursorScope = {
    listing: 'installations',
    filter: [query.status ?? '', query.integration ?? ''],
  };
  const vault = await deps.vault();
  const before = query.cursor === undefined ? undefined : openCursor(vault, scope, query.cursor);
  const page = await deps.listing.page(partitionsOf(integrations, query), query.limit, before);
  const last = page.positions.at(-1);
  return {
    installations: await rowsOf(deps, page.positions.map(listingIdOf)),
    next: page.more && last !== undefined ? sealCursor(vault, scope, last) : null,
  };
}
