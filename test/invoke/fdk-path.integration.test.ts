/**
 * FDK's path semantics, confined (issue 17), through POST /installations/{id}/invoke against a
 * real upstream: values go into `schema.path` as text (a `/` separates, a `?` starts the query),
 * the query merges the path's, `schema.query` and the invoke's `query`, a template without a
 * path calls `/` — and a value that would leave the template's path is refused with nothing sent.
 */
import { useHarness } from '../support/harness';
import { installationOn, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });
const upstream = useUpstream();

/** The request the upstream received last, its target split into path and query entries. */
function lastTarget() {
  const url = new URL(upstream().requests.at(-1)?.url ?? '', 'http://upstream');
  return { path: url.pathname, query: [...url.searchParams] };
}

describe('FDK paths', () => {
  let installation: { id: string; apiKey: string };
  beforeAll(async () => {
    installation = await installationOn(upstream().host, { repo_name: 'owner/repo' });
  });

  it('sends /v1.0<%= context.path %> with /users?$select=id to /v1.0/users with that query', async () => {
    // Act
    const { http, envelope } = await invoke(installation, {
      template: 'graph',
      context: { path: '/users?$select=id,displayName' },
    });
    // Assess
    expect([http, envelope.attempts]).toEqual([200, 1]);
    expect(lastTarget()).toEqual({ path: '/v1.0/users', query: [['$select', 'id,displayName']] });
  });

  it('keeps the slash of an iparam owner/repo in /repos/<%= iparam.repo_name %>', async () => {
    // Act
    const { http } = await invoke(installation, { template: 'repo' });
    // Assess
    expect(http).toBe(200);
    expect(lastTarget()).toEqual({ path: '/repos/owner/repo', query: [] });
  });

  it("merges a literal query with schema.query (numbers and booleans as text), then the invoke's query", async () => {
    // Act
    const { http } = await invoke(installation, {
      template: 'tickets',
      context: { page: '2' },
      query: { page: 3, sort: 'desc', deleted: false },
    });
    // Assess
    expect(http).toBe(200);
    expect(lastTarget()).toEqual({
      path: '/api/v2/tickets',
      query: [
        ['include', 'conversations'],
        ['page', '3'],
        ['limit', '1'],
        ['all', 'false'],
        ['sort', 'desc'],
        ['deleted', 'false'],
      ],
    });
  });

  it('encodes invoke query values as values: no extra key, the text round-trips', async () => {
    // Act
    const { http } = await invoke(installation, {
      template: 'repo',
      query: { q: 'a&admin=true#x/../y', n: 1.5 },
    });
    // Assess
    expect(http).toBe(200);
    expect(lastTarget()).toEqual({
      path: '/repos/owner/repo',
      query: [
        ['q', 'a&admin=true#x/../y'],
        ['n', '1.5'],
      ],
    });
  });

  it('calls / for a template without a path', async () => {
    // Act
    const { http, envelope } = await invoke(installation, { template: 'root' });
    // Assess: the test upstream has nothing at /, and says so
    expect([http, envelope.status]).toEqual([200, 404]);
    expect(upstream().requests.at(-1)?.url).toBe('/');
  });

  it('percent-encodes what cannot stand in a path, and keeps what can', async () => {
    // Act
    const { http } = await invoke(installation, {
      template: 'item',
      context: { id: "a b/ünï/100%/x:y@z!'" },
    });
    // Assess
    expect(http).toBe(200);
    expect(upstream().requests.at(-1)?.url).toBe("/echo/item/a%20b/%C3%BCn%C3%AF/100%25/x:y@z!'");
  });
});

describe('FDK paths, confined: refused with 400 APP naming the value, nothing sent', () => {
  let installation: { id: string; apiKey: string };
  beforeAll(async () => {
    installation = await installationOn(upstream().host);
  });

  it.each([
    ['item', '../../admin'],
    ['item', 'a/%2e%2e/x'],
    ['item', 'a/%2E%2e/x'],
    ['item', 'a%2fb'],
    ['item', 'a%5Cb'],
    ['item', 'a\\..\\x'],
    ['item', 'a/./b'],
    ['item', '%252e%252e/x'],
    ['item', 'a\rb'],
    ['item', 'a\nb'],
    ['item', 'a\r\nX-Injected: 1'],
    ['item', 'a\u0000b'],
    ['item', 'a#b'],
    ['item', '\uff0e\uff0e/\uff0e\uff0e/\uff0e\uff0e/admin'],
    ['graph', '/../beta/users'],
    ['graph', '/../../admin?x=1'],
  ])('%s with %j', async (template, value) => {
    // Prepare
    const sent = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(installation, {
      template,
      context: { id: value, path: value },
    });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ status: 400, errorSource: 'APP', code: 'INVALID_PATH', attempts: 0 });
    expect(envelope.response).toContain(`from the value ${JSON.stringify(value)}`);
    expect(upstream().requests.length).toBe(sent);
  });

  it('confines an iparam as it does context: ../../admin as repo_name is refused', async () => {
    // Prepare
    const climbing = await installationOn(upstream().host, { repo_name: '../../admin' });
    const sent = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(climbing, { template: 'repo' });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ errorSource: 'APP', code: 'INVALID_PATH', attempts: 0 });
    expect(envelope.response).toContain('"../../admin"');
    expect(envelope.response).toContain('"/repos/"');
    expect(upstream().requests.length).toBe(sent);
  });
});

describe("the invoke's query", () => {
  let installation: { id: string; apiKey: string };
  beforeAll(async () => {
    installation = await installationOn(upstream().host);
  });

  it.each([
    [{ q: { nested: 1 } }, 'query.q'],
    [{ q: null }, 'query.q'],
    [{ q: [1, 2] }, 'query.q'],
    [['a'], 'query'],
    ['a=1', 'query'],
  ])('refuses %j, saying what is allowed, and sends nothing', async (query, field) => {
    // Prepare
    const sent = upstream().requests.length;
    // Act
    const { http, envelope } = await invoke(installation, { template: 'root', query });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ errorSource: 'APP', code: 'INVALID_REQUEST', attempts: 0 });
    expect(envelope.response).toContain(`${field}:`);
    expect(envelope.response).toContain('query?');
    if (field === 'query.q') expect(envelope.response).toContain('a string, a number or a boolean');
    expect(upstream().requests.length).toBe(sent);
  });

  it('still refuses an unknown key of the body', async () => {
    // Act
    const { http, envelope } = await invoke(installation, { template: 'root', queries: { a: 1 } });
    // Assess
    expect(http).toBe(400);
    expect(envelope.response).toContain('queries: unknown field');
  });
});

describe("FDK's status for a destination the egress policy refuses", () => {
  it('answers 403 APP URL_REFUSED, sending nothing', async () => {
    // Prepare: the instance metadata address as the upstream host
    const metadata = await installationOn('169.254.169.254');
    // Act
    const { http, envelope } = await invoke(metadata, { template: 'root' });
    // Assess
    expect(http).toBe(403);
    expect(envelope).toMatchObject({ status: 403, errorSource: 'APP', code: 'URL_REFUSED', attempts: 0 });
  });
});
