import { createHash } from 'node:crypto';
import type { HttpResult } from '../http/responses';
import { html, SafeHtml } from './html';
import { STYLESHEET } from './style';

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
  /**
   * Where the page's form may send the browser. Chromium applies `form-action` to the redirect
   * that follows a submit too, so the connect form lists the provider's origin here.
   */
  readonly formAction?: readonly string[];
}

/**
 * A complete page with the headers every Handshake page carries: a CSP that allows nothing but
 * its own inline stylesheet (by hash) and form posts, no framing, no referrer (the URL holds a
 * single-use token), no caching. The pages load nothing from anywhere.
 */
export function page(options: PageOptions): HttpResult {
  const formAction = options.formAction === undefined ? "'none'" : options.formAction.join(' ');
  const csp = [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'self' data:",
    `form-action ${formAction}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
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
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    },
    body: document.value,
  };
}
