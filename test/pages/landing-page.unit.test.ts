import { createHash } from 'node:crypto';
import { LANDING_STYLE_HASH, LANDING_STYLESHEET, landingPage } from '../../lib/pages/landing-page';
import { messagePage } from '../../lib/pages/message-page';

describe('landingPage', () => {
  it('allows its stylesheet by the hash it carries, and nothing else inline', () => {
    // Act
    const page = landingPage('1.2.3');
    // Assess
    const digest = createHash('sha256').update(LANDING_STYLESHEET).digest('base64');
    expect(LANDING_STYLE_HASH).toBe(`'sha256-${digest}'`);
    expect(page.headers['content-security-policy']).toContain(`style-src ${LANDING_STYLE_HASH}`);
    expect(page.body).toContain(`<style>${LANDING_STYLESHEET}</style>`);
    expect(page.body).not.toMatch(/<script|style="|\son\w+=/);
  });

  it('carries the same headers as every other page, its own style hash aside', () => {
    // Prepare
    const other = messagePage({ status: 200, tone: 'info', title: 't', message: 'm' });
    const withoutStyle = (headers: Record<string, string>) => ({
      ...headers,
      'content-security-policy': headers['content-security-policy']?.replace(/'sha256-[^']+'/, 'HASH'),
    });
    // Act
    const page = landingPage('1.2.3');
    // Assess
    expect(withoutStyle(page.headers)).toEqual(withoutStyle(other.headers));
  });

  it('escapes the version and links only within this API', () => {
    // Act
    const page = landingPage('1.0.0"><script>alert(1)</script>');
    // Assess
    expect(page.body).toContain('Handshake 1.0.0&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; is running');
    expect(page.body).not.toContain('<script>');
    const hrefs = [...(page.body ?? '').matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
    expect(hrefs).toEqual(['health', 'console']);
    expect(page.body).not.toMatch(/https?:\/\//);
  });
});
