/**
 * POST /installations/{id}/invoke with input that breaks the input rules (lib/http/input-rules.ts):
 * refused with 400 in the FDK envelope, before anything is rendered or sent upstream.
 */
import { useHarness } from '../support/harness';
import { installationOn, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });
const upstream = useUpstream();

let installation: { id: string; apiKey: string };
beforeAll(async () => {
  installation = await installationOn(upstream().host);
});

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('invoke input rules', () => {
  it('refuses a lone surrogate in context (once a URIError and a 500) in the envelope, sending nothing', async () => {
    // Prepare: `flaky` puts context.id in the path, where it would be percent-encoded
    const sent = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(
      installation,
      JSON.stringify({ template: 'flaky', context: { id: 'a\ud800' } }),
      { raw: true },
    );
    // Assess
    expect(http).toBe(400);
    expect(envelope).toEqual({
      status: 400,
      headers: {},
      response: 'context.id contains ill-formed Unicode (a lone surrogate); send well-formed UTF-16/UTF-8',
      attempts: 0,
      errorSource: 'APP',
      code: 'INVALID_REQUEST',
    });
    expect(upstream().requests.length).toBe(sent);
  });

  it('refuses a body 10,000 levels deep with 400 in the envelope, sending nothing', async () => {
    // Prepare
    const sent = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(installation, `{"template":"post","body":${nested(10_000)}}`, {
      raw: true,
    });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_REQUEST', attempts: 0 });
    expect(envelope.response).toContain('deeper than 64 levels');
    expect(upstream().requests.length).toBe(sent);
  });

  it('sends a body exactly at the limit: 64 levels, the invoke body itself being the first', async () => {
    // Act
    const { http, envelope } = await invoke(installation, `{"template":"post","body":${nested(63)}}`, {
      raw: true,
    });
    // Assess
    expect(http).toBe(200);
    expect(envelope.status).toBe(200);
    expect(upstream().requests.at(-1)?.body).toBe(nested(63));
  });
});
