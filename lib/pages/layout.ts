import { createHash } from 'node:crypto';
import { pageHeaders } from '../http/page-headers';
import type { HttpResult } from '../http/responses';
import { html, SafeHtml } from './html';
import { STYLESHEET } from './style';

/** The CSP source of an inline stylesheet or script: its SHA-256, as the browser computes it. */
export const cspHash = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const STYLE_HASH = cspHash(STYLESHEET);
/** Pages with more styles (the console's) hash each distinct stylesheet once per container. */
const styleHashes = new Map<string, string>([[STYLESHEET, STYLE_HASH]]);
const styleHashOf = (stylesheet: string): string => {
  let hash = styleHashes.get(stylesheet);
  if (hash === undefined) {
    hash = cspHash(stylesheet);
    styleHashes.set(stylesheet, hash);
  }
  return hash;
};

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
  /** Where the page's form may send the browser (see PagePolicy). */
  readonly formAction?: readonly string[];
  /** Rules added after the common stylesheet (the console's wide layout); allowed by their hash. */
  readonly extraStyle?: string;
  /** One inline script, allowed by its hash; the page must work without it. */
  readonly script?: string;
  /** The class of `<main>`: the narrow `card` by default. */
  readonly mainClass?: string;
  /** Markup above `<main>` (the console's navigation). */
  readonly header?: SafeHtml;
}

/**
 * A complete page with the headers every Handshake page carries (../http/page-headers.ts):
 * the pages load nothing from anywhere.
 */
export function page(options: PageOptions): HttpResult {
  const stylesheet = options.extraStyle === undefined ? STYLESHEET : `${STYLESHEET}${options.extraStyle}`;
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${new SafeHtml(stylesheet)}</style>
</head>
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
      styleHash: styleHashOf(stylesheet),
      formAction: options.formAction,
      ...(options.script === undefined ? {} : { scriptHashes: [cspHash(options.script)] }),
    }),
    body: document.value,
  };
}
