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

describe('messagePage and errorPage', () => {
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
