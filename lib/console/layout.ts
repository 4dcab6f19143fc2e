import type { HttpResult } from '../http/responses';
import { html, type SafeHtml } from '../pages/html';
import { page } from '../pages/layout';
import { CSRF_FIELD } from './session';

/**
 * The console's rules on top of the pages' stylesheet (lib/pages/style.ts): a wide column, a
 * navigation bar, tables that scroll sideways on a phone (390 px) rather than overflow the page.
 */
export const CONSOLE_STYLE = `
body{justify-content:flex-start;padding:0 0 24px}
.top{width:100%;background:var(--card);border-bottom:1px solid var(--line)}
.top nav{max-width:1100px;margin:0 auto;padding:8px 16px;display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center}
.top a{color:var(--text);text-decoration:none;font-weight:600;font-size:15px;padding:6px 0}
.top a[aria-current=page]{color:var(--accent);border-bottom:2px solid var(--accent)}
.top .brand{margin-right:auto;font-weight:700}
.top form{margin:0}
.top button{width:auto;padding:6px 12px;background:transparent;color:var(--text);border:1px solid var(--line)}
.wide{width:100%;max-width:1100px;padding:20px 16px}
.wide h1{margin-top:8px}
h2{font-size:18px;margin:28px 0 10px}
a{color:var(--accent)}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:10px;background:var(--card)}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
tr:last-child td{border-bottom:0}
.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:10px;margin:0 0 8px;padding:0;list-style:none}
.counts li{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 12px;min-width:0}
.counts .status{white-space:normal}
.counts .n{display:block;font-size:24px;font-weight:700}
.status{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.status.ok{color:var(--ok)}.status.warn{color:#b45309}.status.bad{color:var(--bad)}
.inline{display:inline-block;margin:4px 8px 4px 0}
.inline button,button.inline{width:auto;padding:6px 12px;font-size:14px}
[hidden]{display:none!important}
button.danger{background:var(--bad)}
.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end;margin:0 0 16px}
.filters .field{margin:0;flex:1 1 160px}
.filters button{width:auto}
select{width:100%;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:var(--card);color:inherit;font:inherit}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 12px}
.kv{display:grid;grid-template-columns:minmax(90px,max-content) 1fr;gap:4px 12px;margin:0}
.kv dt{color:var(--muted);font-size:14px}.kv dd{margin:0;overflow-wrap:anywhere}
.link{display:block;overflow-wrap:anywhere;user-select:all;padding:10px;border:1px dashed var(--line);border-radius:8px;margin:0 0 12px}
.qr{width:220px;max-width:100%;height:auto;display:block;margin:12px 0}
.chart{margin:0 0 16px;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px}
.chart svg{width:100%;height:auto;display:block}
.chart text{font-size:11px;fill:var(--muted)}
.chart .slot{fill:transparent}.chart .axis{stroke:var(--line)}
.seg.ok{fill:var(--ok)}.seg.warn{fill:#d97706}.seg.bad{fill:var(--bad)}
.legend{margin-right:10px;font-size:14px}.legend.ok{color:var(--ok)}.legend.warn{color:#b45309}.legend.bad{color:var(--bad)}
.notice{border:1px solid var(--accent);border-radius:8px;padding:10px 12px;margin:0 0 16px;font-size:14px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
@media (max-width:640px){table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}table.stack tr:last-child{border-bottom:0}table.stack td{display:grid;grid-template-columns:110px 1fr;gap:8px;border:0;padding:3px 10px;overflow-wrap:anywhere}table.stack td::before{content:attr(data-label);color:var(--muted);font-size:13px}}
`;

export type Section = 'overview' | 'installations' | 'new' | 'events' | 'app';

const NAV: ReadonlyArray<{ section: Section; path: string; label: string }> = [
  { section: 'overview', path: '/console', label: 'Overview' },
  { section: 'installations', path: '/console/installations', label: 'Installations' },
  { section: 'new', path: '/console/installations/new', label: 'New installation' },
  { section: 'events', path: '/console/events', label: 'Events' },
  { section: 'app', path: '/console/app', label: 'App' },
];

/** The hidden field that binds a form to the session (lib/console/guard.ts checks it). */
export const csrfField = (csrf: string): SafeHtml =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;

/** What a signed-in page needs besides its body. */
export interface Frame {
  readonly appName: string;
  /** The session's CSRF token, for the sign-out form and the page's own forms. */
  readonly csrf: string;
  readonly section?: Section | undefined;
}

export interface ConsolePageOptions {
  readonly status?: number;
  readonly title: string;
  readonly body: SafeHtml;
  readonly script?: string;
}

function navigation(frame: Frame): SafeHtml {
  return html`<header class="top"><nav aria-label="Console" data-testid="console-nav">
<span class="brand">${frame.appName} · Handshake</span>
${NAV.map(
  (item) =>
    html`<a href="${item.path}" id="nav-${item.section}" data-testid="nav-${item.section}"${item.section === frame.section ? html` aria-current="page"` : ''}>${item.label}</a>`,
)}
<form method="post" action="/console/sign-out">${csrfField(frame.csrf)}<button type="submit" id="sign-out" data-testid="sign-out">Sign out</button></form>
</nav></header>
`;
}

/** A page of the signed-in console: navigation, the wide column, every page header (no-store, CSP). */
export function consolePage(frame: Frame, options: ConsolePageOptions): HttpResult {
  return page({
    status: options.status ?? 200,
    title: `${options.title} · ${frame.appName} console`,
    body: options.body,
    extraStyle: CONSOLE_STYLE,
    mainClass: 'wide',
    header: navigation(frame),
    formAction: ["'self'"],
    ...(options.script === undefined ? {} : { script: options.script }),
  });
}

/** The one console rule the narrow pages use too: a notice that is not an error. */
const NOTICE_STYLE = `
.notice{border:1px solid var(--accent);border-radius:8px;padding:10px 12px;margin:0 0 16px;font-size:14px}
`;

/** A page without a session (sign-in, a refusal): the narrow card, forms to this origin only. */
export function signedOutPage(options: ConsolePageOptions): HttpResult {
  return page({
    status: options.status ?? 200,
    title: options.title,
    body: options.body,
    extraStyle: NOTICE_STYLE,
    formAction: ["'self'"],
  });
}
