/** functions/invoke driven by events/invoke.json. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createTestTable, type TestTable } from '../support/dynamo';
import { EVENTS_ADMIN_KEY, lambdaContext, loadEvent, withAuthorization } from '../support/events';
import { localFunctionEnv } from '../support/local-env';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let table: TestTable;
let handler: Handler;

beforeAll(async () => {
  table = await createTestTable();
  await localFunctionEnv(table, EVENTS_ADMIN_KEY);
  ({ handler } = (await import('../../functions/invoke')) as unknown as { handler: Handler });
});
afterAll(async () => {
  await table.drop();
});

const call = async (change: Parameters<typeof loadEvent>[1] = () => {}) => {
  const result = await handler(loadEvent('invoke.json', change), lambdaContext('handshake-dev-invoke'));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
};

describe('functions/invoke', () => {
  it('answers 404 NOT_FOUND for an installation that does not exist', async () => {
    const result = await call();
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers an unknown template in the FDK envelope, before looking anything up', async () => {
    const result = await call((event) => {
      event.body = JSON.stringify({ template: 'nope' });
    });
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({
      status: 404,
      errorSource: 'APP',
      code: 'TEMPLATE_NOT_FOUND',
      attempts: 0,
    });
  });

  it('refuses a wrong key with 401 UNAUTHENTICATED in the general error shape', async () => {
    const result = await call(withAuthorization('Bearer wrong'));
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses malformed JSON with 400', async () => {
    const result = await call((event) => {
      event.body = '{"template":';
    });
    expect(result.status).toBe(400);
  });
});
