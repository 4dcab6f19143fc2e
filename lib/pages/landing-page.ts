import { pageHeaders } from '../http/page-headers';
import type { HttpResult } from '../http/responses';
import { escapeHtml } from './html';

/**
 * The landing page's own few rules. Its hash is written out rather than computed: health loads
 * node:crypto only when first used, and this page must cost its init nothing (BENCHMARKS.md).
 * test/pages/landing-page.unit.test.ts fails if the two ever differ.
 */
export const LANDING_STYLESHEET =
  ':root{color-scheme:light dark}body{max-width:40rem;margin:10vh auto;padding:0 24px;font:16px/1.5 system-ui,sans-serif}code{font-size:14px}';
export const LANDING_STYLE_HASH = "'sha256-Z98ewJbN3P/N9gGlDS7nXZ6dn3S6h80Zq6VUWaq8LZg='";

/**
 * GET /: what answers at the API's root — that Handshake runs, which version, and where to
 * read on. Only relative links, nothing loaded from anywhere; the same headers as every page.
 */
export function landingPage(version: string): HttpResult {
  const v = escapeHtml(version);
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Handshake ${v}</title>
<style>${LANDING_STYLESHEET}</style>
</head>
<body>
<main>
<h1>Handshake ${v} is running</h1>
<p>A self-hosted OAuth broker for FDK-style apps: it runs the install-time OAuth handshake, keeps the tokens encrypted, refreshes them ahead of expiry and calls the providers' APIs for the app, so callers never see a token.</p>
<ul>
<li><a href="health">/health</a>: is the API up, and its version (JSON)</li>
<li><a href="console">/console</a>: the operator's console (sign in with the admin key)</li>
</ul>
<p>Documentation, in the Handshake repository: <code>README.md</code> (start here), <code>docs/handshake.md</code> (connect links), <code>docs/invoke.md</code>, <code>docs/deploy.md</code>, <code>docs/console.md</code>, and <code>openapi/openapi.yaml</code> (the HTTP API).</p>
</main>
</body>
</html>
`;
  return { statusCode: 200, headers: pageHeaders({ styleHashes: [LANDING_STYLE_HASH] }), body };
}
