/** The connect and callback functions driven by their payloads in events/. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createTestTable, type TestTable } from '../support/dynamo';
import { EVENTS_ADMIN_KEY, lambdaContext, loadEvent } from '../support/events';
import { localFunctionEnv } from '../support/local-env';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let table: TestTable;
let connect: Handler;
let callback: Handler;

beforeAll(async () => {
  table = await createTestTable();
  await localFunctionEnv(table, EVENTS_ADMIN_KEY);
  ({ handler: connect } = (await import('../../functions/connect')) as unknown as { handler: Handler });
  ({ handler: callback } = (await import('../../functions/callback')) as unknown as { handler: Handler });
});
afterAll(async () => {
  await table.drop();
});

describe('functions/connect', () => {
  it.each([
    ['connect.json', 404],
    ['connect/submit.json', 404],
  ])('%s answers an HTML page for a link that was never issued', async (name, status) => {
    const result = await connect(loadEvent(name), lambdaContext('handshake-dev-connect'));
    expect(result.statusCode).toBe(status);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(result.body).toContain('This link is not valid');
  });

  it('refuses a form value that is not UTF-8 with a 400 page, before looking up the link', async () => {
    // Act: org_domain=acme%ED%A0%80… (an encoded lone surrogate)
    const result = await connect(
      loadEvent('connect/submit-ill-formed.json'),
      lambdaContext('handshake-dev-connect'),
    );
    // Assess
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain('Form field org_domain contains ill-formed Unicode');
  });
  it.each([
    ['from another site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, false],
    ['from an opaque origin', { origin: 'null', 'sec-fetch-site': '' }, false],
    ['without the page (no binding cookie)', {}, true],
  ])(
    'refuses a form post %s with a 403 page, before the link is looked up',
    async (_name, headers, dropCookie) => {
      const result = await connect(
        loadEvent('connect/submit.json', (event) => {
          for (const [name, value] of Object.entries(headers)) {
            if (value === '') delete event.headers[name];
            else event.headers[name] = value;
          }
          if (dropCookie) delete event.cookies;
        }),
        lambdaContext('handshake-dev-connect'),
      );
      // 403, not the 404 of this never-issued link: nothing was read, stored or redirected.
      expect(result.statusCode).toBe(403);
      expect(result.body).toContain('This form must be sent from the page this link opened');
      expect(result.cookies).toBeUndefined();
      expect(result.headers?.location).toBeUndefined();
    },
  );

  it('refuses a form post that is not form-encoded with an HTML page', async () => {
    const result = await connect(
      loadEvent('connect/submit.json', (event) => {
        event.headers['content-type'] = 'application/json';
      }),
      lambdaContext('handshake-dev-connect'),
    );
    expect(result.statusCode).toBe(415);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain('application/x-www-form-urlencoded');
  });
});

describe('functions/callback', () => {
  it.each([
    ['callback.json', 'Unknown authorization'],
    ['callback/denied.json', 'Unknown authorization'],
  ])('%s with a state this deployment never issued → 400 page', async (name, text) => {
    const result = await callback(loadEvent(name), lambdaContext('handshake-dev-callback'));
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain(text);
  });

  it('answers a callback without state with a page that says so', async () => {
    const result = await callback(
      loadEvent('callback.json', (event) => {
        event.queryStringParameters = { code: 'x' };
      }),
      lambdaContext('handshake-dev-callback'),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('Missing authorization state');
  });
});
