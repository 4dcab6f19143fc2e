import { createHash } from 'node:crypto';
import { connectPage } from '../../lib/pages/connect-page';
import { html } from '../../lib/pages/html';
import { errorPage, messagePage } from '../../lib/pages/message-page';

const model = {
  appName: 'Service <Desk>',
  integrationName: 'Fresh"service',
  providerHost: 'auth.example.com',
  fields: [
    { name: 'org_domain', label: 'Domain', description: 'e.g. acme', required: true, input: 'text' as const },
    { name: 'note', label: 'Note', required: false, input: 'textarea' as const },
  ],
  values: { org_domain: '"><script>alert(1)</script>' },
  errors: {},
  formAction: ['https://auth.example.com'],
};

describe('html', () => {
  it('escapes every interpolated value and keeps nested fragments', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}${html`<i>ok</i>`}</p>`.value).toBe(
      '<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i></p>',
    );
  });
});

describe('connectPage', () => {
  const response = connectPage(model);

  it('is a complete HTML page with a strict CSP and no referrer', () => {
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = response.headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self' https://auth.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body).not.toMatch(/<script|src=|https?:\/\/(?!auth\.example)/);
  });

  it('escapes names and entered values', () => {
    expect(response.body).toContain('Service &lt;Desk&gt;');
    expect(response.body).toContain('Fresh&quot;service');
    expect(response.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('marks required fields and shows descriptions', () => {
    expect(response.body).toMatch(/<label for="f-org_domain">Domain<span class="req"/);
    expect(response.body).toContain('e.g. acme');
    expect(response.body).toMatch(/<textarea id="f-note" name="note" rows="3">/);
    expect(response.body).toContain('<button type="submit">Authorize</button>');
  });

  it('shows field errors with a 400', () => {
    const invalid = connectPage({ ...model, values: {}, errors: { org_domain: 'Domain is required.' } }, 400);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Domain is required.');
    expect(invalid.body).toContain('aria-invalid="true"');
  });
});

/** The CSP source of each inline stylesheet in `body`, as a browser computes it. */
const styleHashes = (body = ''): string[] =>
  [...body.matchAll(/<style>([^<]*)<\/style>/g)].map(
    (match) =>
      `'sha256-${createHash('sha256')
        .update(match[1] ?? '')
        .digest('base64')}'`,
  );
const LOGO = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=';

describe('the connect page shows', () => {
  it('where the person signs in: the provider and its host, escaped', () => {
    const page = connectPage({ ...model, providerHost: 'login.example.com:8443' });
    expect(page.body).toContain(
      'You will sign in at Fresh&quot;service (<b>login.example.com:8443</b>) and choose what to allow',
    );
    expect(connectPage({ ...model, providerHost: '<i>x' }).body).toContain('(<b>&lt;i&gt;x</b>)');
  });

  it('no host when the person chooses the server (a customer domain)', () => {
    const page = connectPage({ ...model, providerHost: undefined });
    expect(page.body).toContain('You will sign in at Fresh&quot;service and choose what to allow');
    expect(page.body).not.toContain('<b>');
  });

  it('no image and allows none without a logo, and one stylesheet', () => {
    const response = connectPage(model);
    expect(response.body).not.toContain('<img');
    const csp = response.headers['content-security-policy'] ?? '';
    expect(csp).toContain("img-src 'none'");
    expect(csp).toContain(`style-src ${styleHashes(response.body).join(' ')};`);
    expect(styleHashes(response.body)).toHaveLength(1);
  });

  it("the app's logo at a fixed size with the app's name as its alt text, allowing data: images only", () => {
    const page = connectPage(model, 200, {}, { logo: LOGO });
    expect(page.body).toContain(
      `<img class="logo" src="${LOGO}" alt="Service &lt;Desk&gt;" width="48" height="48">`,
    );
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toContain('img-src data:;');
    expect(csp).not.toMatch(/img-src[^;]*(\*|https?:|'self')/);
  });

  it('the accent in a stylesheet of its own, allowed by its hash, with text that reads on it', () => {
    const dark = connectPage(model, 200, {}, { accentColor: '#0a7c5a' });
    const light = connectPage(model, 200, {}, { accentColor: '#f5b700' });
    expect(dark.body).toContain('<style>:root{--accent:#0a7c5a;--accent-text:#ffffff}');
    expect(light.body).toContain('<style>:root{--accent:#f5b700;--accent-text:#000000}');
    for (const page of [dark, light]) {
      const hashes = styleHashes(page.body);
      expect(hashes).toHaveLength(2);
      expect(page.headers['content-security-policy']).toContain(`style-src ${hashes.join(' ')};`);
      // After the page's own stylesheet, so it wins over its dark-mode accent too.
      const body = page.body ?? '';
      expect(body.lastIndexOf('<style>')).toBeGreaterThan(body.indexOf('prefers-color-scheme'));
    }
    expect(dark.headers['content-security-policy']).not.toContain('unsafe');
  });
});

describe('messagePage and errorPage', () => {
  it("show the app's logo and accent when given them", () => {
    const page = messagePage({
      status: 200,
      tone: 'success',
      title: 'Done',
      message: 'ok',
      appName: 'Desk',
      branding: { logo: LOGO, accentColor: '#0a7c5a' },
    });
    expect(page.body).toContain(`<img class="logo" src="${LOGO}" alt="Desk"`);
    expect(page.body).toContain('--accent:#0a7c5a');
    expect(page.headers['content-security-policy']).toContain('img-src data:;');
    expect(errorPage(500, 'INTERNAL', 'x').headers['content-security-policy']).toContain("img-src 'none'");
  });

  it('render the message escaped with the same headers', () => {
    const page = messagePage({
      status: 410,
      tone: 'error',
      title: 'Gone',
      message: '<i>used</i>',
      code: 'x',
    });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('&lt;i&gt;used&lt;/i&gt;');
    expect(page.headers['content-security-policy']).toContain("form-action 'none'");
    expect(errorPage(500, 'INTERNAL', 'Internal error; reference r1').body).toContain('Something went wrong');
  });
});
