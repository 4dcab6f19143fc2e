import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler } from '../../functions/health';
import { config } from '../../lib/config';
import { lambdaContext, loadEvent } from '../support/events';

describe('GET /health', () => {
  it('answers ok with the version, to anyone', async () => {
    // Prepare
    const event = loadEvent('health.json');
    // Act
    const result = (await handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
    // Assess
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body ?? '');
    expect(body.ok).toBe(true);
    expect(typeof body.version).toBe('string');
    expect(result.headers?.['cache-control']).toBe('no-store');
  });

  it('answers GET / with the landing page: HTML, the version, the pages’ strict headers', async () => {
    // Prepare
    const event = loadEvent('health/landing.json');
    const { version } = config();
    // Act
    const result = (await handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(result.headers?.['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(result.headers?.['x-frame-options']).toBe('DENY');
    expect(result.headers?.['referrer-policy']).toBe('no-referrer');
    expect(result.body).toContain(`Handshake ${version} is running`);
    expect(result.body).toContain('<a href="health">/health</a>');
  });

  it('answers 404 in the error shape for a route it does not serve', async () => {
    const event = loadEvent('health.json', (e) => {
      e.routeKey = 'GET /nope';
    });
    const result = (await handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String) },
    });
  });
});
