import { createHash } from 'node:crypto';
import { pageHeaders } from '../http/page-headers';
import type { HttpResult } from '../http/responses';
import { html, SafeHtml } from './html';
import { STYLESHEET } from './style';

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
  /** Where the page's form may send the browser (see PagePolicy). */
  readonly formAction?: readonly string[];
}

/**
 * A complete page with the headers every Handshake page carries (../http/page-headers.ts):
 * the pages load nothing from anywhere.
 */
export function page(options: PageOptions): HttpResult {
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.title}</title>
<style>${new SafeHtml(STYLESHEET)}</style>
</head>
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
    headers: pageHeaders({ styleHash: STYLE_HASH, formAction: options.formAction }),
    body: document.value,
  };
}
