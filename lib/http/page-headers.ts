/** What a page may use besides its own markup: its inline stylesheet, and where its form posts. */
export interface PagePolicy {
  /** The CSP source of the page's one inline stylesheet: `'sha256-…'`. */
  readonly styleHash: string;
  /**
   * Where the page's form may send the browser. Chromium applies `form-action` to the redirect
   * that follows a submit too, so the connect form lists the provider's origin here.
   */
  readonly formAction?: readonly string[] | undefined;
  /** CSP sources (`'sha256-…'`) of the page's inline scripts; none: no script runs at all. */
  readonly scriptHashes?: readonly string[] | undefined;
}

/**
 * The headers every Handshake page carries: a CSP that allows nothing but its own inline
 * stylesheet and scripts (by hash) and form posts, no framing, no referrer (a connect page's URL holds a
 * single-use token), no caching. Kept free of imports so that health's landing page has them
 * without the pages' renderer.
 */
export function pageHeaders(policy: PagePolicy): Record<string, string> {
  const formAction = policy.formAction === undefined ? "'none'" : policy.formAction.join(' ');
  const csp = [
    "default-src 'none'",
    `style-src ${policy.styleHash}`,
    ...(policy.scriptHashes === undefined || policy.scriptHashes.length === 0
      ? []
      : [`script-src ${policy.scriptHashes.join(' ')}`]),
    "img-src 'self' data:",
    `form-action ${formAction}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
