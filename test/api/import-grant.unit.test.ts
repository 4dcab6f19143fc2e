import { importGrantRequest } from '../../lib/api/import-grant';
import { InvalidInputError } from '../../lib/errors';
import type { HttpRequest } from '../../lib/http/request';

const request = (body: unknown, name = 'beta'): HttpRequest => ({
  routeKey: 'POST /installations/{id}/integrations/{name}/import',
  method: 'POST',
  path: `/installations/in_x/integrations/${name}/import`,
  pathParameters: { id: 'in_x', name },
  headers: { 'content-type': 'application/json' },
  query: {},
  cookies: {},
  rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  requestId: 'r1',
  domainName: undefined,
});

/** The field problems of a refused body. */
function problemsOf(body: unknown): Array<{ field: string; message: string }> {
  try {
    importGrantRequest(request(body));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.details as Array<{ field: string; message: string }>;
  }
  throw new Error('the body was accepted');
}

describe('importGrantRequest', () => {
  it('reads the path and every field into the use case input', () => {
    expect(
      importGrantRequest(
        request({
          account: 'agent-7',
          access_token: ' at-1 ',
          refresh_token: 'rt-1',
          expires_in: 3600,
          scope: 'a b',
          token_type: 'Bearer',
          extra: { instance_url: 'https://eu1.example.com' },
          oauth_iparams: { tenant: 't1' },
          validate: 'refresh',
        }),
      ),
    ).toEqual({
      installationId: 'in_x',
      integration: 'beta',
      account: 'agent-7',
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      expiry: { kind: 'in', seconds: 3600 },
      scope: 'a b',
      tokenType: 'Bearer',
      extra: { instance_url: 'https://eu1.example.com' },
      oauthIparams: { tenant: 't1' },
      validate: 'refresh',
    });
  });

  it('defaults to no validation, no expiry known, nothing kept', () => {
    expect(importGrantRequest(request({ access_token: 'at' }))).toMatchObject({
      account: undefined,
      refreshToken: undefined,
      expiry: { kind: 'unknown' },
      extra: {},
      oauthIparams: {},
      validate: 'none',
    });
  });

  it('reads a validation by a call, its context empty unless given', () => {
    expect(
      importGrantRequest(request({ access_token: 'at', validate: { template: 'me' } })).validate,
    ).toEqual({
      template: 'me',
      context: {},
    });
    const withContext = { template: 'getUser', context: { id: 7 } };
    expect(importGrantRequest(request({ access_token: 'at', validate: withContext })).validate).toEqual(
      withContext,
    );
  });

  it('reads expires_at as epoch seconds or an ISO 8601 time with its offset', () => {
    expect(importGrantRequest(request({ access_token: 'at', expires_at: 1_900_000_000 })).expiry).toEqual({
      kind: 'at',
      at: 1_900_000_000_000,
    });
    expect(
      importGrantRequest(request({ access_token: 'at', expires_at: '2030-01-31T12:00:00+01:00' })).expiry,
    ).toEqual({ kind: 'at', at: Date.parse('2030-01-31T11:00:00Z') });
  });

  it.each([
    ['an unknown field', { access_token: 'at', refresh: 'rt' }, 'refresh', 'unknown field'],
    ['no access token', { refresh_token: 'rt' }, 'access_token', 'required'],
    ['an empty access token', { access_token: '' }, 'access_token', 'must not be empty'],
    ['a blank access token', { access_token: ' \t ' }, 'access_token', 'must not be empty'],
    [
      'an empty refresh token',
      { access_token: 'at', refresh_token: '' },
      'refresh_token',
      'must not be empty',
    ],
    ['a token too long', { access_token: 'a'.repeat(16_385) }, 'access_token', 'at most 16384 characters'],
    ['a local time', { access_token: 'at', expires_at: '2030-01-31T12:00:00' }, 'expires_at', 'ISO 8601'],
    ['a date alone', { access_token: 'at', expires_at: '2030-01-31' }, 'expires_at', 'ISO 8601'],
    ['fractional epoch seconds', { access_token: 'at', expires_at: 1.5 }, 'expires_at', 'whole seconds'],
    ['a lifetime of zero', { access_token: 'at', expires_in: 0 }, 'expires_in', 'at least 1'],
    ['a lifetime as text', { access_token: 'at', expires_in: '3600' }, 'expires_in', 'number'],
    [
      'both expiries',
      { access_token: 'at', expires_at: 1_900_000_000, expires_in: 60 },
      'expires_in',
      'not with',
    ],
    [
      'an unknown validation',
      { access_token: 'at', validate: 'call' },
      'validate',
      '"refresh", "none", or {',
    ],
    ['a call without a template', { access_token: 'at', validate: {} }, 'validate', '"template"'],
    [
      'a call with an empty template',
      { access_token: 'at', validate: { template: '' } },
      'validate.template',
      'must not be empty',
    ],
    [
      'a call with an unknown key',
      { access_token: 'at', validate: { template: 'me', query: {} } },
      'validate',
      '"template"',
    ],
    [
      'a call whose context is no object',
      { access_token: 'at', validate: { template: 'me', context: 'x' } },
      'validate',
      '"context"',
    ],
    [
      'an oauth_iparam not text',
      { access_token: 'at', oauth_iparams: { tenant: 7 } },
      'oauth_iparams.tenant',
      'string',
    ],
    ['extra as an array', { access_token: 'at', extra: ['x'] }, 'extra', 'Array'],
    ['a body that is an array', [{ access_token: 'at' }], '(body)', 'Array'],
  ])('refuses %s, naming the field', (_what, body, field, says) => {
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([{ field, message: expect.stringContaining(says) }]),
    );
  });

  it('never quotes a token in its refusal', () => {
    const secret = `at-${'s'.repeat(16_400)}`;
    try {
      importGrantRequest(request({ access_token: secret, refresh_token: 'rt-secret-9', validate: 'x' }));
      throw new Error('the body was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      const said = JSON.stringify({
        message: (error as Error).message,
        details: (error as InvalidInputError).details,
      });
      expect(said).not.toContain('sss');
      expect(said).not.toContain('rt-secret-9');
    }
  });

  it('requires a body', () => {
    expect(() => importGrantRequest({ ...request({}), rawBody: undefined })).toThrow(
      'Request body is required',
    );
  });
});
