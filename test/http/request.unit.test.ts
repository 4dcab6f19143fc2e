import { jsonBody, parseRequest } from '../../lib/http/request';
import { loadEvent } from '../support/events';

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
    expect(() => parse((e) => (e.body = 'x'.repeat(2000)))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1024') }),
    );
  });
});

describe('jsonBody', () => {
  it.each([
    ['{"a":', 'INVALID_JSON'],
    ['not json', 'INVALID_JSON'],
  ])('refuses %s with %s', (body, code) => {
    const request = parse((e) => (e.body = body));
    expect(() => jsonBody(request, { required: true })).toThrow(expect.objectContaining({ code }));
  });

  it('requires a body only when asked to', () => {
    const request = parse((e) => delete e.body);
    expect(jsonBody(request, { required: false })).toBeUndefined();
    expect(() => jsonBody(request, { required: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
  });

  it('accepts application/json with a charset and +json types, refuses others', () => {
    const ok = parse((e) => (e.headers['content-type'] = 'application/json; charset=utf-8'));
    expect(jsonBody(ok, { required: true })).toHaveProperty('iparams');
    const vendor = parse((e) => (e.headers['content-type'] = 'application/vnd.api+json'));
    expect(jsonBody(vendor, { required: true })).toHaveProperty('iparams');
    const text = parse((e) => (e.headers['content-type'] = 'text/plain'));
    expect(() => jsonBody(text, { required: true })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
    );
  });
});
