import type { Branding } from '../app/model';
import type { HttpResult } from '../http/responses';
import { html } from './html';
import { brandHeader, page } from './layout';

export type Tone = 'success' | 'error' | 'info';

export interface MessagePageModel {
  readonly status: number;
  readonly tone: Tone;
  readonly title: string;
  readonly message: string;
  /** What the person can do next. */
  readonly next?: string | undefined;
  /** A short machine-readable reason (e.g. the provider's error code), shown small. */
  readonly code?: string | undefined;
  readonly appName?: string | undefined;
  /** The app's logo (shown with appName) and accent: on the pages of the connect flow. */
  readonly branding?: Branding | undefined;
}

const BADGE: Record<Tone, { className: string; symbol: string }> = {
  success: { className: 'badge ok', symbol: '✓' },
  error: { className: 'badge bad', symbol: '!' },
  info: { className: 'badge', symbol: 'i' },
};

/** A result or problem page: one headline, what happened, what to do next. */
export function messagePage(model: MessagePageModel): HttpResult {
  const badge = BADGE[model.tone];
  const body = html`<div class="${badge.className}" aria-hidden="true">${badge.symbol}</div>
${model.appName === undefined ? '' : brandHeader(model.appName, model.branding)}
<h1>${model.title}</h1>
<p>${model.message}</p>
${model.next === undefined ? '' : html`<p class="muted">${model.next}</p>`}
${model.code === undefined ? '' : html`<p class="muted">Reason: <code>${model.code}</code></p>`}`;
  return page({ status: model.status, title: model.title, body, branding: model.branding });
}

/** The HTML counterpart of the API's error shape, for routes a person opens in a browser. */
export function errorPage(status: number, _code: string, message: string): HttpResult {
  return messagePage({
    status,
    tone: 'error',
    title: status >= 500 ? 'Something went wrong' : 'This request cannot be completed',
    message,
    next: status >= 500 ? 'Please try again in a moment.' : undefined,
  });
}
