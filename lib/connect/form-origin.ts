import { FORM_FIELD, isBoundForm } from './form-binding';

/** Why a connect-form post was refused before anything was looked up. */
export type FormPostProblem = 'foreign_origin' | 'cross_site' | 'not_from_page';

export interface FormPost {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly form: URLSearchParams;
}

/**
 * Sec-Fetch-Site values a connect-form post may carry. The form is only ever sent by its own
 * page, i.e. same-origin; `none` is a post the person started themselves (a resubmission).
 * `same-site` is refused too: a sibling subdomain (another tenant under a shared parent
 * domain) is no more entitled to post this form than another site, and it could also have
 * planted the binding cookie (cookie tossing), which same-origin cannot.
 */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * What the browser says about where the post came from. A browser sends `Origin` with every
 * form POST, and Sec-Fetch-Site (which no page script can set) since 2020–2023; when present,
 * each must name this deployment. `Origin: null` is normally a sandboxed frame, a data: URL or
 * a cross-origin redirect and is refused — except when Sec-Fetch-Site vouches `same-origin`:
 * the connect page sends `Referrer-Policy: no-referrer` (SPEC §3), and under that policy
 * browsers send `Origin: null` even for the page's own same-origin form post.
 */
export function fetchOriginProblem(
  headers: Readonly<Record<string, string>>,
  publicUrl: string,
): FormPostProblem | undefined {
  const site = headers['sec-fetch-site']?.trim().toLowerCase();
  if (site !== undefined && !ALLOWED_FETCH_SITES.has(site)) return 'cross_site';
  const origin = headers.origin;
  if (origin === undefined || origin === new URL(publicUrl).origin) return undefined;
  return origin === 'null' && site === 'same-origin' ? undefined : 'foreign_origin';
}

/**
 * POST /connect/{token}, checked before the link is even looked up: the browser's own word on
 * where the post came from, then the page binding (which holds for clients that send no such
 * headers). Without this an attacker's page could start the attacker's own link in a victim's
 * browser, get the browser-binding cookie set there, and have the victim's consent connect the
 * victim's account to the attacker's installation.
 */
export function formPostProblem(
  post: FormPost,
  token: string,
  publicUrl: string,
): FormPostProblem | undefined {
  const fromHeaders = fetchOriginProblem(post.headers, publicUrl);
  if (fromHeaders !== undefined) return fromHeaders;
  return isBoundForm(post.cookies, token, post.form.get(FORM_FIELD)) ? undefined : 'not_from_page';
}
