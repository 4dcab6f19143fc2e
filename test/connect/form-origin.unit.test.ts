import { presentFormRefused } from '../../lib/api/connect-pages';
import { FORM_FIELD, formBindingFor, isBoundForm } from '../../lib/connect/form-binding';
import { fetchOriginProblem, formPostProblem } from '../../lib/connect/form-origin';
import { connectPage } from '../../lib/pages/connect-page';

const PUBLIC_URL = 'https://handshake.example.com';
const TOKEN = `hcl_in_${'a'.repeat(20)}_${'A'.repeat(43)}`;
const OTHER_TOKEN = `hcl_in_${'b'.repeat(20)}_${'B'.repeat(43)}`;

/** What a browser holds after GET /connect/{token}: the cookie pair and the hidden field. */
function opened(token = TOKEN) {
  const binding = formBindingFor({}, token, PUBLIC_URL);
  const [pair = ''] = (binding.setCookie ?? '').split(';');
  const at = pair.indexOf('=');
  return { cookies: { [pair.slice(0, at)]: pair.slice(at + 1) }, field: binding.field, binding };
}

describe('fetchOriginProblem', () => {
  it.each([
    ['no header at all', {}, undefined],
    ['its own origin', { origin: PUBLIC_URL }, undefined],
    ['same-origin fetch', { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }, undefined],
    ['a post the person started (none)', { 'sec-fetch-site': 'none' }, undefined],
    ['another origin', { origin: 'https://evil.example' }, 'foreign_origin'],
    ['the opaque origin null', { origin: 'null' }, 'foreign_origin'],
    // What Chromium sends for the page's own post under Referrer-Policy: no-referrer.
    ['null vouched for as same-origin', { origin: 'null', 'sec-fetch-site': 'same-origin' }, undefined],
    ['null from another site', { origin: 'null', 'sec-fetch-site': 'cross-site' }, 'cross_site'],
    ['null with none', { origin: 'null', 'sec-fetch-site': 'none' }, 'foreign_origin'],
    ['another port', { origin: 'https://handshake.example.com:8443' }, 'foreign_origin'],
    ['plain http of the same host', { origin: 'http://handshake.example.com' }, 'foreign_origin'],
    ['the origin with a trailing slash', { origin: `${PUBLIC_URL}/` }, 'foreign_origin'],
    ['cross-site', { 'sec-fetch-site': 'cross-site' }, 'cross_site'],
    ['same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }, 'cross_site'],
    ['an unknown value', { 'sec-fetch-site': 'sideways' }, 'cross_site'],
    ['own Origin but cross-site', { origin: PUBLIC_URL, 'sec-fetch-site': 'cross-site' }, 'cross_site'],
  ])('%s', (_name, headers, expected) => {
    expect(fetchOriginProblem(headers, PUBLIC_URL)).toBe(expected);
  });

  it('compares with the origin of a public URL that has a path', () => {
    expect(fetchOriginProblem({ origin: PUBLIC_URL }, `${PUBLIC_URL}/handshake`)).toBeUndefined();
  });
});

describe('form binding', () => {
  it('sets an HttpOnly, SameSite=Lax, Secure cookie scoped to /connect/, one per link', () => {
    const { binding } = opened();
    expect(binding.setCookie).toMatch(
      /^hsf_[0-9a-f]{16}=[A-Za-z0-9_-]{43}; Path=\/connect\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(opened(OTHER_TOKEN).binding.setCookie?.slice(0, 20)).not.toBe(binding.setCookie?.slice(0, 20));
    expect(formBindingFor({}, TOKEN, 'http://localhost:3000/base/').setCookie).toMatch(
      /Path=\/base\/connect\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
    );
  });

  it('reuses the secret the browser already holds, so a second tab of the link still works', () => {
    const first = opened();
    const again = formBindingFor(first.cookies, TOKEN, PUBLIC_URL);
    expect(again).toEqual({ field: first.field });
  });

  it('accepts the field of its own page and refuses every other', () => {
    const { cookies, field } = opened();
    expect(isBoundForm(cookies, TOKEN, field)).toBe(true);
    expect(isBoundForm(cookies, TOKEN, null)).toBe(false);
    expect(isBoundForm(cookies, TOKEN, '')).toBe(false);
    expect(isBoundForm(cookies, TOKEN, `${field}x`)).toBe(false);
    expect(isBoundForm({}, TOKEN, field)).toBe(false);
    // Another link's page: its field and cookie name belong to that link only.
    const other = opened(OTHER_TOKEN);
    expect(isBoundForm({ ...cookies, ...other.cookies }, TOKEN, other.field)).toBe(false);
    expect(isBoundForm(other.cookies, OTHER_TOKEN, field)).toBe(false);
  });

  it('ignores a cookie value of the wrong shape instead of reusing it', () => {
    const { cookies } = opened();
    const name = Object.keys(cookies)[0] ?? '';
    expect(formBindingFor({ [name]: 'short' }, TOKEN, PUBLIC_URL).setCookie).toBeDefined();
    expect(isBoundForm({ [name]: 'short' }, TOKEN, 'anything')).toBe(false);
  });
});

describe('formPostProblem', () => {
  const { cookies, field } = opened();
  const form = (value: string | undefined) =>
    new URLSearchParams(value === undefined ? {} : { [FORM_FIELD]: value, tenant: 't' });

  it.each([
    ['the page’s own post', { origin: PUBLIC_URL }, cookies, field, undefined],
    ['a client that sends no Origin, with the binding', {}, cookies, field, undefined],
    [
      'a foreign origin even with the binding',
      { origin: 'https://evil.example' },
      cookies,
      field,
      'foreign_origin',
    ],
    ['no Origin, no binding (a bare form post)', {}, {}, undefined, 'not_from_page'],
    ['the field without the cookie', {}, {}, field, 'not_from_page'],
    ['the cookie without the field', { origin: PUBLIC_URL }, cookies, undefined, 'not_from_page'],
  ])('%s', (_name, headers, jar, value, expected) => {
    expect(formPostProblem({ headers, cookies: jar, form: form(value) }, TOKEN, PUBLIC_URL)).toBe(expected);
  });
});

describe('presentFormRefused', () => {
  it('is a 403 page that says why, with no cookie and no redirect', () => {
    const response = presentFormRefused('cross_site', 'Service Desk');
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers.location).toBeUndefined();
    expect(response.cookies).toBeUndefined();
    expect(response.body).toContain('This form must be sent from the page this link opened');
    expect(response.body).toContain('Open your connect link again');
    expect(response.body).toContain('form_cross_site');
  });
});

describe('the connect page', () => {
  it('carries the binding as a hidden field, escaped', () => {
    const page = connectPage(
      {
        appName: 'A',
        integrationName: 'B',
        providerHost: undefined,
        fields: [],
        values: {},
        errors: {},
        formAction: [],
      },
      200,
      { [FORM_FIELD]: '"><x' },
    );
    expect(page.body).toContain(`<input type="hidden" name="${FORM_FIELD}" value="&quot;&gt;&lt;x">`);
  });
});
