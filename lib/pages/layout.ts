import { createHash } from 'node:crypto';
import type { Branding } from '../app/model';
import { pageHeaders } from '../http/page-headers';
import type { HttpResult } from '../http/responses';
import { textColorOn } from './contrast';
import { html, SafeHtml } from './html';
import { STYLESHEET } from './style';

/** The CSP source of an inline stylesheet or script: its SHA-256, as the browser computes it. */
export const cspHash = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const STYLE_HASH = cspHash(STYLESHEET);
/** A page's further stylesheets (the console's) are few and fixed: each hashed once per container. */
const hashes = new Map<string, string>();
const hashOf = (text: string): string => {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = cspHash(text);
    hashes.set(text, hash);
  }
  return hash;
};

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
  /** Where the page's form may send the browser (see PagePolicy). */
  readonly formAction?: readonly string[];
  /** The app's look: its accent colour here, its logo in the body (brandHeader). */
  readonly branding?: Branding | undefined;
  /** A stylesheet after the common one (the console's wide layout); allowed by its hash. */
  readonly extraStyle?: string;
  /** One inline script, allowed by its hash; the page must work without it. */
  readonly script?: string;
  /** The class of `<main>`: the narrow `card` by default. */
  readonly mainClass?: string;
  /** Markup above `<main>` (the console's navigation). */
  readonly header?: SafeHtml;
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
  const styles = [
    ...(options.extraStyle === undefined ? [] : [options.extraStyle]),
    ...(accent === undefined ? [] : [accentStylesheet(accent)]),
  ];
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${new SafeHtml(STYLESHEET)}</style>
${styles.map((css) => html`<style>${new SafeHtml(css)}</style>\n`)}</head>
<body>
${options.header ?? ''}<main class="${options.mainClass ?? 'card'}">
${options.body}
</main>
<footer>Secured by Handshake</footer>
${options.script === undefined ? '' : html`<script>${new SafeHtml(options.script)}</script>`}
</body>
</html>
`;
  return {
    statusCode: options.status,
    headers: pageHeaders({
      styleHashes: [STYLE_HASH, ...styles.map(hashOf)],
      dataImages: options.branding?.logo !== undefined,
      formAction: options.formAction,
      ...(options.script === undefined ? {} : { scriptHashes: [hashOf(options.script)] }),
    }),
    body: document.value,
  };
}
