import { csrfRefusal, originRefusal, refusedPage } from '../../lib/console/guard';
import { newSession } from '../../lib/console/session';
import type { HttpRequest } from '../../lib/http/request';

const PUBLIC = 'https://auth.example.com';
const posted = (headers: Record<string, string>): HttpRequest => ({
  routeKey: 'POST /console/sign-out',
  method: 'POST',
  path: '/console/sign-out',
  pathParameters: {},
  headers,
  query: {},
  cookies: {},
  rawBody: '',
  requestId: 'r',
  domainName: undefined,
});

describe('the console form guard', () => {
  it('takes a post from this origin, or from a client that says nothing', () => {
    expect(
      originRefusal(posted({ origin: PUBLIC, 'sec-fetch-site': 'same-origin' }), PUBLIC),
    ).toBeUndefined();
    expect(originRefusal(posted({}), PUBLIC)).toBeUndefined();
    expect(
      originRefusal(posted({ origin: 'null', 'sec-fetch-site': 'same-origin' }), PUBLIC),
    ).toBeUndefined();
  });

  it('refuses another origin, another site, and a sibling subdomain', () => {
    expect(originRefusal(posted({ origin: 'https://evil.example' }), PUBLIC)).toBe('foreign_origin');
    expect(originRefusal(posted({ origin: 'http://auth.example.com' }), PUBLIC)).toBe('foreign_origin');
    expect(originRefusal(posted({ 'sec-fetch-site': 'cross-site' }), PUBLIC)).toBe('cross_site');
    expect(originRefusal(posted({ 'sec-fetch-site': 'same-site', origin: PUBLIC }), PUBLIC)).toBe(
      'cross_site',
    );
  });

  it("refuses a form without the session's token", () => {
    const session = newSession(Date.now(), 'hsa_guard-test-admin-key');
    expect(csrfRefusal(session, new URLSearchParams({ csrf: session.csrf }))).toBeUndefined();
    expect(csrfRefusal(session, new URLSearchParams())).toBe('csrf');
    expect(csrfRefusal(session, new URLSearchParams({ csrf: 'x' }))).toBe('csrf');
  });

  it('answers a refusal with a 403 page that says why, under the strict CSP', () => {
    const page = refusedPage('foreign_origin');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('data-reason="foreign_origin"');
    expect(page.body).toContain('another origin');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
  });
});
