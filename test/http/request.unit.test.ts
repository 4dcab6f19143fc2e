import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiErrorOf } from '../../lib/http/error-status';
import { formBody, jsonBody, parseRequest } from '../../lib/http/request';
import { loadEvent } from '../support/events';

/** What the API answers for the failure of `run`: its class name and its mapped status and code. */
function answerOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return { name: (error as Error).name, ...apiErrorOf(error, 'test') };
  }
  throw new Error('expected a failure');
}

const parse = (change: Parameters<typeof loadEvent>[1], maxBodyBytes = 1024) =>
  parseRequest(loadEvent('installations.json', change), { maxBodyBytes });

describe('parseRequest', () => {
  it('lower-cases header names and decodes base64 bodies', () => {
    const request = parse((e) => {
      e.headers = { 'Content-Type': 'application/json', Authorization: 'Bearer x' };
      e.body = Buffer.from('{"a":1}').toString('base64');
      e.isBase64Encoded = true;
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe('Bearer x');
    expect(jsonBody(request, { required: true })).toEqual({ a: 1 });
    expect(request.routeKey).toBe('POST /installations');
  });

  it('treats a null body (serverless-offline, some proxies) as no body', () => {
    const request = parse((e) => {
      (e as { body: unknown }).body = null;
      e.isBase64Encoded = true;
    });
    expect(request.rawBody).toBeUndefined();
    expect(jsonBody(request, { required: false })).toBeUndefined();
  });

  it('refuses a body over the limit with 413, naming both sizes', () => {
    expect(answerOf(() => parse((e) => (e.body = 'x'.repeat(2000))))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('1024'),
    });
  });
});

describe('jsonBody', () => {
  it.each([
    ['{"a":', 'INVALID_JSON'],
    ['not json', 'INVALID_JSON'],
  ])('refuses %s with %s', (body, code) => {
    const request = parse((e) => (e.body = body));
    expect(answerOf(() => jsonBody(request, { required: true }))).toMatchObject({ status: 400, code });
  });

  it('requires a body only when asked to', () => {
    const request = parse((e) => delete e.body);
    expect(jsonBody(request, { required: false })).toBeUndefined();
    expect(answerOf(() => jsonBody(request, { required: true }))).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it('accepts application/json with a charset and +json types, refuses others', () => {
    const ok = parse((e) => (e.headers['content-type'] = 'application/json; charset=utf-8'));
    expect(jsonBody(ok, { required: true })).toHaveProperty('iparams');
    const vendor = parse((e) => (e.headers['content-type'] = 'application/vnd.api+json'));
    expect(jsonBody(vendor, { required: true })).toHaveProperty('iparams');
    const text = parse((e) => (e.headers['content-type'] = 'text/plain'));
    expect(answerOf(() => jsonBody(text, { required: true }))).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});

describe('the input rules at the edge', () => {
  const refusal = (message: string) =>
    expect.objectContaining({ name: 'InvalidInputError', code: 'INVALID_REQUEST', status: 400, message });
  const expectRefused = (run: () => unknown, message: string) =>
    expect(answerOf(run)).toEqual(refusal(message));

  it('refuses an escaped lone surrogate in a JSON body value, naming the field', () => {
    // Prepare: "\ud800" is valid JSON text that parses to a lone surrogate
    const request = parse((e) => (e.body = '{"iparams":{"upstream":"\\ud800"}}'));
    // Act / Assess
    expectRefused(
      () => jsonBody(request, { required: true }),
      expect.stringContaining('iparams.upstream contains ill-formed Unicode'),
    );
  });

  it('refuses a JSON body nested deeper than the limit, and parses 3 million levels without overflowing', () => {
    // Prepare: 6 MB of brackets, the largest body a Lambda receives
    const depth = 3_000_000;
    const request = parse((e) => (e.body = `${'['.repeat(depth)}${']'.repeat(depth)}`), 6 * 1024 * 1024);
    // Act / Assess
    expectRefused(
      () => jsonBody(request, { required: true }),
      expect.stringContaining('deeper than 64 levels'),
    );
  });

  it('refuses a base64 body that is not UTF-8 instead of replacing the bytes', () => {
    // Act / Assess
    expectRefused(
      () =>
        parse((e) => {
          e.body = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString('base64');
          e.isBase64Encoded = true;
        }),
      'Request body contains ill-formed Unicode (bytes that are not UTF-8); send well-formed UTF-16/UTF-8',
    );
  });

  it('keeps a byte-order mark in a base64 body, as before', () => {
    // Prepare
    const request = parse((e) => {
      e.body = Buffer.from('\ufeff{}').toString('base64');
      e.isBase64Encoded = true;
    });
    // Assess
    expect(request.rawBody).toBe('\ufeff{}');
  });

  it.each<[string, (e: APIGatewayProxyEventV2) => void, string]>([
    ['a header value', (e) => (e.headers['x-note'] = 'a\udc00'), 'Header x-note contains'],
    ['a query value', (e) => (e.queryStringParameters = { q: '\ud800' }), 'Query parameter q contains'],
    ['a path parameter', (e) => (e.pathParameters = { id: 'in_\ud800' }), 'Path parameter id contains'],
    ['a cookie', (e) => (e.cookies = ['hs_state=\ud800']), 'Cookie hs_state contains'],
    ['the path', (e) => (e.rawPath = '/installations/\ud800'), 'The path contains'],
  ])('refuses ill-formed Unicode in %s', (_, change, where) => {
    // Act / Assess
    expectRefused(() => parse(change), expect.stringContaining(where));
  });

  it('refuses an ill-formed form value before the lenient decoder hides it', () => {
    // Prepare
    const request = parse((e) => {
      e.headers['content-type'] = 'application/x-www-form-urlencoded';
      e.body = 'org_domain=%ED%A0%80';
    });
    // Act / Assess
    expectRefused(() => formBody(request), expect.stringContaining('Form field org_domain'));
  });
});
