/**
 * POST /installations/{id}/invoke with input that breaks the input rules (lib/http/input-rules.ts):
 * refused with 400 in the FDK envelope, before anything is rendered or sent upstream.
 */
import { ADMIN, bearer, useHarness, world } from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

let upstream: Upstream;
let installation: { id: string; apiKey: string };
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
  const response = await fetch(`${world.api.url}/installations`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({ iparams: { upstream: upstream.host } }),
  });
  expect(response.status).toBe(201);
  installation = (await response.json()) as { id: string; apiKey: string };
});
afterAll(async () => {
  await upstream?.close();
});

/** Sends the body text as is: JSON.stringify writes a lone surrogate as the escape `\ud800`. */
async function invoke(body: string) {
  const response = await fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
    method: 'POST',
    headers: bearer(installation.apiKey),
    body,
  });
  return { http: response.status, envelope: (await response.json()) as Record<string, unknown> };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('invoke input rules', () => {
  it('refuses a lone surrogate in context (once a URIError and a 500) in the envelope, sending nothing', async () => {
    // Prepare: `flaky` puts context.id in the path, where it would be percent-encoded
    const sent = upstream.requests.length;
    // Act
    const { http, envelope } = await invoke(
      JSON.stringify({ template: 'flaky', context: { id: 'a\ud800' } }),
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
    expect(upstream.requests.length).toBe(sent);
  });

  it('refuses a body 10,000 levels deep with 400 in the envelope, sending nothing', async () => {
    // Prepare
    const sent = upstream.requests.length;
    // Act
    const { http, envelope } = await invoke(`{"template":"post","body":${nested(10_000)}}`);
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_REQUEST', attempts: 0 });
    expect(envelope.response).toContain('deeper than 64 levels');
    expect(upstream.requests.length).toBe(sent);
  });

  it('sends a body exactly at the limit: 64 levels, the invoke body itself being the first', async () => {
    // Act
    const { http, envelope } = await invoke(`{"template":"post","body":${nested(63)}}`);
    // Assess
    expect(http).toBe(200);
    expect(envelope.status).toBe(200);
    expect(upstream.requests.at(-1)?.body).toBe(nested(63));
  });
});
