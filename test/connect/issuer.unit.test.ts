import { type ExpectedIssuer, expectedIssuer, issuerProblem } from '../../lib/connect/issuer';
import type { Egress, EgressRequest, EgressResponse } from '../../lib/egress';
import { EgressError } from '../../lib/egress';
import { clearMetadataCache, parseMetadata } from '../../lib/oauth/metadata';

const ISSUER = 'https://auth.example.com';
const AUTHORIZE = `${ISSUER}/oauth/authorize?tenant=t`;

/** An egress that answers from a table of URL → (status, JSON body), and records what was asked. */
function fakeEgress(answers: Record<string, [number, unknown] | Error>) {
  const asked: string[] = [];
  const egress: Egress = {
    async send(request: EgressRequest): Promise<EgressResponse> {
      asked.push(request.url);
      const answer = answers[request.url] ?? [404, { error: 'not found' }];
      if (answer instanceof Error) throw answer;
      const [status, body] = answer;
      return { status, headers: {}, body: Buffer.from(JSON.stringify(body)) };
    },
    close: async () => {},
  };
  return { egress, asked };
}

beforeEach(() => clearMetadataCache());

describe('issuerProblem', () => {
  const required: ExpectedIssuer = { kind: 'known', issuer: ISSUER, required: true };
  const optional: ExpectedIssuer = { kind: 'known', issuer: ISSUER, required: false };
  it.each([
    ['exact iss', required, ISSUER, undefined],
    ['stripped iss, provider always sends it', required, undefined, 'issuer_mismatch'],
    ['stripped iss, provider may not send it', optional, undefined, undefined],
    ['same origin, another path', required, `${ISSUER}/tenant-b`, 'issuer_mismatch'],
    ['same origin, another path (optional)', optional, `${ISSUER}/tenant-b`, 'issuer_mismatch'],
    ['a trailing slash', required, `${ISSUER}/`, 'issuer_mismatch'],
    ['another case', required, ISSUER.toUpperCase(), 'issuer_mismatch'],
    ['another server', optional, 'https://evil.example', 'issuer_mismatch'],
    ['no issuer known, none sent', { kind: 'unknown' }, undefined, undefined],
    ['no issuer known, one sent', { kind: 'unknown' }, ISSUER, 'issuer_unknown'],
    ['metadata unreadable', { kind: 'unavailable', reason: 'timeout' }, ISSUER, 'provider_unavailable'],
  ] as const)('%s', (_name, expected, iss, error) => {
    expect(issuerProblem(expected, iss)?.error).toBe(error);
  });
});

describe('expectedIssuer', () => {
  it('takes handshake.issuer as it is, required, without asking anyone', async () => {
    const { egress, asked } = fakeEgress({});
    const settings = {
      issuer: ISSUER,
      metadataUrl: `${ISSUER}/.well-known/openid-configuration`,
      allowedHosts: undefined,
    };
    expect(await expectedIssuer(egress, settings, AUTHORIZE, 0)).toEqual({
      kind: 'known',
      issuer: ISSUER,
      required: true,
    });
    expect(asked).toEqual([]);
  });

  it('reads handshake.metadata_url: its issuer, and iss required when it says so', async () => {
    const url = `${ISSUER}/realms/a/.well-known/openid-configuration`;
    const { egress } = fakeEgress({
      [url]: [200, { issuer: `${ISSUER}/realms/a`, authorization_response_iss_parameter_supported: true }],
    });
    expect(
      await expectedIssuer(
        egress,
        { issuer: undefined, metadataUrl: url, allowedHosts: undefined },
        AUTHORIZE,
        0,
      ),
    ).toEqual({
      kind: 'known',
      issuer: `${ISSUER}/realms/a`,
      required: true,
    });
  });

  it('refuses when handshake.metadata_url cannot be read or holds no metadata', async () => {
    const url = `${ISSUER}/meta`;
    const down = fakeEgress({ [url]: new EgressError('timeout', 'timeout', 'timed out') });
    expect(
      (
        await expectedIssuer(
          down.egress,
          { issuer: undefined, metadataUrl: url, allowedHosts: undefined },
          AUTHORIZE,
          0,
        )
      ).kind,
    ).toBe('unavailable');
    clearMetadataCache();
    const html = fakeEgress({ [url]: [200, '<html>'] });
    expect(
      (
        await expectedIssuer(
          html.egress,
          { issuer: undefined, metadataUrl: url, allowedHosts: undefined },
          AUTHORIZE,
          0,
        )
      ).kind,
    ).toBe('unavailable');
  });

  it('discovers metadata at the authorization endpoint’s origin, RFC 8414 first, then OIDC', async () => {
    const { egress, asked } = fakeEgress({
      [`${ISSUER}/.well-known/openid-configuration`]: [200, { issuer: ISSUER }],
    });
    const none = { issuer: undefined, metadataUrl: undefined, allowedHosts: undefined };
    expect(await expectedIssuer(egress, none, AUTHORIZE, 0)).toEqual({
      kind: 'known',
      issuer: ISSUER,
      required: false,
    });
    expect(asked).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
      `${ISSUER}/.well-known/openid-configuration`,
    ]);
    // Cached: the next callback asks nobody.
    await expectedIssuer(egress, none, AUTHORIZE, 1000);
    expect(asked).toHaveLength(2);
  });

  it('ignores a discovered document that speaks for another issuer, or nothing found', async () => {
    const none = { issuer: undefined, metadataUrl: undefined, allowedHosts: undefined };
    const other = fakeEgress({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: [200, { issuer: 'https://evil.example' }],
    });
    expect(await expectedIssuer(other.egress, none, AUTHORIZE, 0)).toEqual({ kind: 'unknown' });
    clearMetadataCache();
    const down = fakeEgress({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: new EgressError('network', 'ECONNREFUSED', 'x'),
    });
    expect(await expectedIssuer(down.egress, none, AUTHORIZE, 0)).toEqual({ kind: 'unknown' });
  });
});

describe('parseMetadata', () => {
  it.each([
    ['{"issuer":"https://a.example","authorization_response_iss_parameter_supported":true}', true],
    ['{"issuer":"https://a.example","authorization_response_iss_parameter_supported":"true"}', false],
    ['{"issuer":"https://a.example"}', false],
  ])('%s', (text, sendsIss) => {
    expect(parseMetadata(text)).toEqual({ issuer: 'https://a.example', sendsIss });
  });
  it.each(['<html>', '[]', 'null', '{}', '{"issuer":42}', '{"issuer":"not a url"}'])('refuses %s', (text) => {
    expect(parseMetadata(text)).toBeUndefined();
  });
});
