import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler } from '../../functions/health';
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
