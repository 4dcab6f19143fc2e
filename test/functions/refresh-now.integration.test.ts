/**
 * The refreshNow function on its own payload (events/refreshNow.json), as `invoke local -f
 * refreshNow -p events/refreshNow.json` runs it: the admin route, its refusals and its 404s.
 * The refreshes themselves are tested against a real provider in test/refresh/.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createTestTable, type TestTable } from '../support/dynamo';
import {
  EVENTS_ADMIN_KEY,
  forInstallation,
  lambdaContext,
  loadEvent,
  withAuthorization,
} from '../support/events';
import { localFunctionEnv } from '../support/local-env';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let table: TestTable;
let refreshNow: Handler;
let installations: Handler;

beforeAll(async () => {
  table = await createTestTable();
  await localFunctionEnv(table, EVENTS_ADMIN_KEY);
  ({ handler: refreshNow } = (await import('../../functions/refresh-now')) as unknown as {
    handler: Handler;
  });
  ({ handler: installations } = (await import('../../functions/installations')) as unknown as {
    handler: Handler;
  });
});
afterAll(async () => {
  await table.drop();
});

const call = async (handler: Handler, event: ReturnType<typeof loadEvent>) => {
  const result = await handler(event, lambdaContext('handshake-dev-refreshNow'));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
};

describe('the refreshNow function', () => {
  it('answers 404 for an installation that does not exist (the payload as it is)', async () => {
    const { status, body } = await call(refreshNow, loadEvent('refreshNow.json'));
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses an installation key and no key, and names an account that is not connected', async () => {
    const created = await call(installations, loadEvent('installations.json'));
    expect(created.status).toBe(201);
    const { id, apiKey } = created.body as { id: string; apiKey: string };
    const own = await call(
      refreshNow,
      loadEvent('refreshNow.json', (event) => {
        forInstallation(id)(event);
        withAuthorization(`Bearer ${apiKey}`)(event);
      }),
    );
    expect(own.status).toBe(403);
    const none = await call(refreshNow, loadEvent('refreshNow.json', withAuthorization(undefined)));
    expect(none.status).toBe(401);
    const notConnected = await call(refreshNow, loadEvent('refreshNow.json', forInstallation(id)));
    expect(notConnected.status).toBe(404);
    expect(String((notConnected.body.error as { message: string }).message)).toContain('is not connected');
  });
});
