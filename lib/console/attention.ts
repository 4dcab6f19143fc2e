import type { ListedStatus } from '../accounts/events';
import type { AccountView } from '../accounts/view';
import { type ListingDeps, listInstallations } from '../installations/list';
import type { InstallationView } from '../installations/view';
import { shownStatus } from './format';

/** One account that needs the operator: a dead grant, or refreshes that keep failing. */
export interface AttentionRow {
  readonly installationId: string;
  readonly integration: string;
  readonly displayName: string;
  readonly account: AccountView;
  readonly status: Exclude<ListedStatus, 'authorized'>;
}

export interface Attention {
  readonly rows: readonly AttentionRow[];
  /** Statuses with more installations than were read: the installations page lists them all. */
  readonly more: readonly Exclude<ListedStatus, 'authorized'>[];
}

/** Installations read per status for the overview; the rest is a click away. */
export const ATTENTION_LIMIT = 25;

const ORDER = ['reauthorization_required', 'failing'] as const;

/** The accounts of these installations whose status is `status`. */
function rowsOf(rows: readonly InstallationView[], status: AttentionRow['status']): AttentionRow[] {
  return rows.flatMap((installation) =>
    installation.integrations.flatMap((integration) =>
      integration.accounts
        .filter((account) => shownStatus(account) === status)
        .map((account) => ({
          installationId: installation.id,
          integration: integration.name,
          displayName: integration.displayName,
          account,
          status,
        })),
    ),
  );
}

/**
 * The accounts that need attention, dead grants first: GET /installations' status filter
 * (lib/installations/list.ts, on the listing index), one page per status.
 */
export async function needsAttention(deps: ListingDeps, limit = ATTENTION_LIMIT): Promise<Attention> {
  const pages = await Promise.all(ORDER.map((status) => listInstallations(deps, { status, limit })));
  return {
    rows: ORDER.flatMap((status, index) => rowsOf(pages[index]?.installations ?? [], status)),
    more: ORDER.filter((_, index) => pages[index]?.next !== null),
  };
}
