import { createHash } from 'node:crypto';
import type { Branding } from '../app/model';
import { pageHeaders } from '../http/page-headers';
import type { HttpResult } from '../http/responses';
import { textColorOn } from './contrast';
import { html, SafeHtml } from './html';
import { STYLESHEET } from './style';

const styleHash = (css: string): string => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
const STYLE_HASH = styleHash(STYLESHEET);

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
  /** Where the page's form may send the browser (see PagePolicy). */
  readonly formAction?: readonly string[];
  /** The app's look: its accent colour here, its logo in the body (brandHeader). */
  readonly branding?: Branding | undefined;
}

/**
 * The accent's own stylesheet, after the page's (so it wins in dark mode too): the colour, the
 * text colour that reads on it, and the card's top edge in it. The colour was validated as
 * `#rrggbb` (tools/app/schemas/app-meta.ts), so it cannot end the rule; allowed by its hash.
 */
const accentStylesheet = (accent: string): string =>
  `:root{--accent:${accent};--accent-text:${textColorOn(accent)}}.card{border-top:4px solid var(--accent)}`;

/** The top of a card: the app's logo when it has one (its name as the alt text), then its name. */
export function brandHeader(appName: string, branding: Branding | undefined): SafeHtml {
  const logo = branding?.logo;
  return html`${logo === undefined ? '' : html`<img class="logo" src="${logo}" alt="${appName}" width="48" height="48">\n`}<p class="eyebrow">${appName}</p>`;
}

/**
 * A complete page with the headers every Handshake page carries (../http/page-headers.ts):
 * the pages load nothing from anywhere — the logo is inlined.
 */
export function page(options: PageOptions): HttpResult {
  const accent = options.branding?.accentColor;
  const accentCss = accent === undefined ? undefined : accentStylesheet(accent);
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${new SafeHtml(STYLESHEET)}</style>
${accentCss === undefined ? '' : html`<style>${new SafeHtml(accentCss)}</style>\n`}</head>
<body>
<main class="card">
${options.body}
</main>
<footer>Secured by Handshake</footer>
</body>
</html>
`;
  return {
    statusCode: options.status,
    headers: pageHeaders({
      styleHashes: accentCss === undefined ? [STYLE_HASH] : [STYLE_HASH, styleHash(accentCss)],
      dataImages: options.branding?.logo !== undefined,
      formAction: options.formAction,
    }),
    body: document.value,
  };
}
