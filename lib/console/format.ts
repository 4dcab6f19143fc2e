import type { AccountView } from '../accounts/view';
import { html, type SafeHtml } from '../pages/html';

/** An ISO time as the console shows it: minute precision, in UTC, said so; `—` for none. */
export function when(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * What the console calls an account's state: the listing's and the counters' (`failing` once a
 * refresh-failing episode was reported, lib/accounts/events.ts eventStatusOf).
 */
export type ShownStatus = 'authorized' | 'failing' | 'reauthorization_required';

export const shownStatus = (account: AccountView): ShownStatus =>
  account.status === 'reauthorization_required'
    ? 'reauthorization_required'
    : account.failingSince === undefined
      ? 'authorized'
      : 'failing';

const TONE: Record<ShownStatus | 'pending' | 'delivered' | 'dead', 'ok' | 'warn' | 'bad'> = {
  authorized: 'ok',
  failing: 'warn',
  reauthorization_required: 'bad',
  delivered: 'ok',
  pending: 'warn',
  dead: 'bad',
};

const LABEL: Record<ShownStatus | 'pending' | 'delivered' | 'dead', string> = {
  authorized: 'authorized',
  failing: 'failing',
  reauthorization_required: 'reauthorization required',
  delivered: 'delivered',
  pending: 'pending',
  dead: 'dead',
};

/** A status in words, as its pill says it. */
export const statusLabel = (status: keyof typeof TONE): string => LABEL[status];

/** A status as a coloured pill; `data-status` holds the API's word for tests. */
export const statusPill = (status: keyof typeof TONE): SafeHtml =>
  html`<span class="status ${TONE[status]}" data-status="${status}">${LABEL[status]}</span>`;

/** An account's last provider error, or `—`. */
export const errorText = (error: AccountView['error']): string =>
  error === undefined
    ? '—'
    : `${error.code}${error.description === undefined ? '' : `: ${error.description}`} (${when(error.at)})`;

/** A query string of the given values, empty ones left out. */
export function queryOf(values: Readonly<Record<string, string | undefined>>): string {
  const defined = Object.entries(values).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined).toString()}`;
}

/** A path segment, encoded. */
export const segment = (value: string): string => encodeURIComponent(value);
