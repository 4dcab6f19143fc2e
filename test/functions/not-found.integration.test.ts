/**
 * "Not found" answers the same on every route (docs/DECISIONS.md): 404 NOT_FOUND and the same
 * message for an installation that does not exist, and for an integration the app does not
 * have — whether the integration is named in the path (refresh) or in the body (connect link).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createTestTable, type TestTable } from '../support/dynamo';
import { EVENTS_ADMIN_KEY, forInstallation, lambdaContext, loadEvent } from '../support/events';
import { localFunctionEnv } from '../support/local-env';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
type Change = (event: APIGatewayProxyEventV2) => void;
let table: TestTable;
const handlers: Record<'installations' | 'refreshNow' | 'invoke', Handler> = {} as never;

beforeAll(async () => {
  table = await createTestTable();
  await localFunctionEnv(table, EVENTS_ADMIN_KEY);
  const load = async (path: string) => ((await import(path)) as { handler: Handler }).handler;
  handlers.installations = await load('../../functions/installations');
  handlers.refreshNow = await load('../../functions/refresh-now');
  handlers.invoke = await load('../../functions/invoke');
});
afterAll(async () => {
  await table.drop();
});

async function call(handler: Handler, name: string, ...changes: Change[]) {
  const event = loadEvent(name, (e) => {
    for (const change of changes) change(e);
  });
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

/** The test-event route has no payload of its own in events/: the GET payload, posted there. */
const asTestEvent: Change = (event) => {
  event.routeKey = 'POST /installations/{id}/events/test';
  event.requestContext.routeKey = event.routeKey;
  event.requestContext.http.method = 'POST';
  event.rawPath = `${event.rawPath}/events/test`;
  event.requestContext.http.path = event.rawPath;
};

const withBody =
  (body: unknown): Change =>
  (event) => {
    event.body = JSON.stringify(body);
  };

const withIntegration =
  (name: string): Change =>
  (event) => {
    event.pathParameters = { ...event.pathParameters, name };
    event.rawPath = event.rawPath.replace(/integrations\/[^/]+/, `integrations/${name}`);
    event.requestContext.http.path = event.rawPath;
  };

const ROUTES: ReadonlyArray<readonly [string, keyof typeof handlers, string, readonly Change[]]> = [
  ['GET /installations/{id}', 'installations', 'installations/get.json', []],
  ['DELETE /installations/{id}', 'installations', 'installations/delete.json', []],
  ['POST /installations/{id}/connect-links', 'installations', 'installations/connect-link.json', []],
  ['POST /installations/{id}/events/test', 'installations', 'installations/get.json', [asTestEvent]],
  ['POST /installations/{id}/integrations/{name}/refresh', 'refreshNow', 'refreshNow.json', []],
  ['POST /installations/{id}/invoke', 'invoke', 'invoke.json', []],
];

describe('an installation that does not exist', () => {
  it.each(ROUTES)('is 404 NOT_FOUND on %s, with the one message', async (_route, fn, name, changes) => {
    for (const id of ['in_aaaaaaaaaaaaaaaaaaaa', 'not-an-installation-id']) {
      // Act
      const { status, body } = await call(handlers[fn], name, forInstallation(id), ...changes);
      // Assess
      expect({ status, body }).toEqual({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: `Installation "${id}" does not exist` } },
      });
    }
  });
});

describe('an integration the app does not have', () => {
  it('is 404 NOT_FOUND with the same message, named in the path or in the body', async () => {
    // Prepare
    const created = await call(handlers.installations, 'installations.json');
    expect(created.status).toBe(201);
    const id = String(created.body.id);

    // Act
    const inBody = await call(
      handlers.installations,
      'installations/connect-link.json',
      forInstallation(id),
      withBody({ integration: 'nope' }),
    );
    const inPath = await call(
      handlers.refreshNow,
      'refreshNow.json',
      forInstallation(id),
      withIntegration('nope'),
    );

    // Assess
    const answer = {
      status: 404,
      body: {
        error: {
          code: 'NOT_FOUND',
          message: 'Integration "nope" does not exist; this app has: freshservice, hubspot, google',
        },
      },
    };
    expect(inBody).toEqual(answer);
    expect(inPath).toEqual(answer);
  });
});

const forEvent =
  (id: string): Change =>
  (event) => {
    event.pathParameters = { id };
    event.rawPath = `/events/${id}/replay`;
    event.requestContext.http.path = event.rawPath;
  };

describe('an event that does not exist', () => {
  it('is 404 NOT_FOUND on POST /events/{id}/replay, well-formed id or not', async () => {
    for (const id of ['evt_exampleexampleexampleexamp', 'not-an-event-id']) {
      // Act
      const { status, body } = await call(
        handlers.installations,
        'installations/event-replay.json',
        forEvent(id),
      );
      // Assess
      expect({ status, body }).toEqual({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: `Event "${id}" does not exist` } },
      });
    }
  });

  it('leaves the listings empty, not 404: the payloads of GET /installations and GET /events as they are', async () => {
    // Act
    const installations = await call(handlers.installations, 'installations/list.json');
    const events = await call(handlers.installations, 'installations/events.json');
    // Assess
    expect(installations).toEqual({ status: 200, body: { installations: [], next: null } });
    expect(events).toEqual({ status: 200, body: { events: [], next: null } });
  });
});
