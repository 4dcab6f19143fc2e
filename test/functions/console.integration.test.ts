/**
 * The operator's console through HTTP against DynamoDB Local: sign-in (a wrong key refused
 * after a delay, the right one's cookie), every page with its headers, the CSRF and origin
 * refusals, an ended session, and each action — a connect link shown once, refresh now,
 * disconnect, delete with its confirmation, an event replayed — with no secret in any page.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newSession, type Session, sealSession } from '../../lib/console/session';
import { EVENT_SK, eventPk, LISTING, TABLE } from '../../lib/store/layout';
import {
  ADMIN,
  accountsOf,
  bearer,
  createInstallation,
  testInfrastructure,
  useHarness,
  world,
} from '../support/harness';
import { type Receiver, startReceiver } from '../support/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_FAILING_AFTER_MINUTES: '0' }) });

const COOKIE = 'hs_console';
const SECURE_VALUE = 'console-test-secure-api-key-value';
/** Every page body this file saw: none may hold a secret (checked last). */
const bodies: string[] = [];

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A browser-like request: the session cookie, the console's own Origin on posts, no redirects followed. */
async function request(
  path: string,
  options: {
    method?: string;
    form?: Record<string, string>;
    cookie?: string | undefined;
    origin?: string | null;
  } = {},
): Promise<Answer> {
  const method = options.method ?? (options.form === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = `${COOKIE}=${options.cookie}`;
  if (method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    if (options.origin !== null) headers.origin = options.origin ?? world.api.url;
  }
  const response = await fetch(`${world.api.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.form === undefined ? {} : { body: new URLSearchParams(options.form).toString() }),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, headers: response.headers, text };
}

const setCookieOf = (answer: Answer): string =>
  answer.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
const cookieValueOf = (answer: Answer): string => /^hs_console=([^;]*)/.exec(setCookieOf(answer))?.[1] ?? '';
const csrfOf = (text: string): string => /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '';

/** The session every test but sign-in's uses, and its CSRF token from a page. */
let session = '';
let csrf = '';
const page = (path: string) => request(path, { cookie: session });
const post = (path: string, form: Record<string, string> = {}, origin?: string | null) =>
  request(path, { cookie: session, form: { csrf, ...form }, ...(origin === undefined ? {} : { origin }) });

async function imported(id: string, integration: string, account?: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      ...(account === undefined ? {} : { account }),
      access_token: 'console-test-access-token',
      refresh_token: 'console-test-refresh-token',
      expires_in: 3600,
      validate: 'none',
    }),
  });
  expect(response.status).toBe(200);
}

describe('signing in', () => {
  it('refuses a wrong key after a delay, and an installation key; the admin key gets a strict session cookie', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const started = Date.now();
    const wrong = await request('/console/sign-in', { form: { admin_key: 'hsa_not-the-admin-key' } });
    const waited = Date.now() - started;
    const installationKey = await request('/console/sign-in', { form: { admin_key: installation.apiKey } });
    const right = await request('/console/sign-in', { form: { admin_key: ADMIN } });
    // Assess
    expect(wrong.status).toBe(401);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(wrong.text).toContain('That is not the admin key');
    expect(setCookieOf(wrong)).toBe('');
    expect(installationKey.status).toBe(401);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/console');
    const cookie = setCookieOf(right);
    expect(cookie).toMatch(
      /^hs_console=v1\.[^;]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    expect(cookie).not.toContain(ADMIN);
    session = cookieValueOf(right);
    csrf = csrfOf((await page('/console')).text);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends a request without a session, or with a forged or ended one, to sign in', async () => {
    // Prepare: a session whose idle time ran out a minute ago, sealed as the console seals one.
    const vault = await (await testInfrastructure()).vault();
    const now = Date.now();
    const ended: Session = { ...newSession(now - 3600_000, ADMIN), idleUntil: now - 60_000 };
    // Act
    const none = await request('/console/installations');
    const forged = await request('/console', { cookie: 'v1.k1.bm90.c2VhbGVk' });
    const old = await request('/console', { cookie: sealSession(vault, ended) });
    const oldPost = await request(`/console/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa/replay`, {
      cookie: sealSession(vault, ended),
      form: { csrf: ended.csrf },
    });
    // Assess
    expect(none.status).toBe(303);
    expect(none.headers.get('location')).toBe('/console/sign-in');
    expect(forged.headers.get('location')).toBe('/console/sign-in');
    expect(setCookieOf(forged)).toContain('Max-Age=0');
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/console/sign-in?ended=1');
    expect(oldPost.headers.get('location')).toBe('/console/sign-in?ended=1');
    const signIn = await request('/console/sign-in?ended=1');
    expect(signIn.status).toBe(200);
    expect(signIn.text).toContain('Your session ended');
  });

  it('ends a session signed in with an admin key that has since been replaced', async () => {
    // Prepare: a session within its time, opened with a key the deployment no longer holds.
    const vault = await (await testInfrastructure()).vault();
    const replaced = newSession(Date.now(), 'hsa_the-admin-key-before-it-was-replaced');
    // Act
    const page = await request('/console', { cookie: sealSession(vault, replaced) });
    const current = await request('/console', { cookie: sealSession(vault, newSession(Date.now(), ADMIN)) });
    // Assess
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in?ended=1');
    expect(setCookieOf(page)).toContain('Max-Age=0');
    expect(current.status).toBe(200);
  });
});

describe('the pages', () => {
  it('answers every page 200 with the strict CSP, no-store and a renewed cookie', async () => {
    // Prepare
    const { id } = await createInstallation({ iparams: { api_key: SECURE_VALUE, ticket_prefix: 'ABC' } });
    await imported(id, 'beta');
    // Act
    const pages = await Promise.all(
      [
        '/console',
        '/console/installations',
        `/console/installations/${id}`,
        `/console/installations/${id}/delete`,
        '/console/events',
        '/console/app',
      ].map(async (path) => ({ path, answer: await page(path) })),
    );
    // Assess
    for (const { path, answer } of pages) {
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toMatch(/unsafe-inline|https?:/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(setCookieOf(answer)).toMatch(/^hs_console=v1\./);
      expect(answer.text).toContain('id="nav-overview"');
    }
    // The overview reads GET /overview's counters in-process: counts and the four charts.
    const overview = pages[0]?.answer.text ?? '';
    expect(overview).toContain('id="counts"');
    for (const chart of ['refreshes-hourly', 'refreshes-daily', 'deliveries-hourly', 'deliveries-daily']) {
      expect(overview).toContain(`id="chart-${chart}"`);
    }
    expect(overview).toMatch(/data-testid="count-installations"><span class="n">[1-9]/);
    const installation = pages[2]?.answer.text ?? '';
    expect(installation).toContain('data-testid="secure-iparam" data-name="api_key"');
    expect(installation).toContain('ABC');
    expect(installation).toContain('data-account="default"');
    expect(pages[5]?.answer.text).toContain('data-integration="beta" data-credentials="set"');
  });

  it('finds an installation by its exact id, filters by status, and says when an id is unknown', async () => {
    // Prepare: a dead grant (the provider refuses the made-up refresh token)
    const { id } = await createInstallation();
    await imported(id, 'beta');
    await post(`/console/installations/${id}/refresh`, { integration: 'beta' });
    // … and refreshes failing (reported at once here: HANDSHAKE_FAILING_AFTER_MINUTES is 0)
    const failing = (await createInstallation()).id;
    await imported(failing, 'crew', 'agent-3');
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
    await post(`/console/installations/${failing}/refresh`, { integration: 'crew', account: 'agent-3' });
    // Act
    const found = await page(`/console/installations?q=${id}`);
    const unknown = await page('/console/installations?q=in_aaaaaaaaaaaaaaaaaaaa');
    const reauth = await page('/console/installations?status=reauthorization_required&integration=');
    const overview = await page('/console');
    // Assess
    expect(found.status).toBe(303);
    expect(found.headers.get('location')).toBe(`/console/installations/${id}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('No installation has the id');
    expect(reauth.text).toContain(`data-installation="${id}"`);
    expect(overview.text.indexOf(`data-installation="${id}"`)).toBeLessThan(
      overview.text.indexOf(`data-installation="${failing}"`),
    );
    expect(overview.text).toContain(
      `data-testid="attention-row" data-installation="${failing}" data-integration="crew" data-account="agent-3"`,
    );
    expect(overview.text).toMatch(
      new RegExp(`data-testid="attention-row" data-installation="${id}" data-integration="beta"`),
    );
  });
});

describe('the refusals', () => {
  it("refuses a post without the CSRF token, with another session's, or from another origin: 403 saying why, nothing done", async () => {
    // Prepare
    const { id } = await createInstallation();
    // Act
    const noToken = await request(`/console/installations/${id}/delete`, {
      cookie: session,
      form: { confirm: id },
    });
    const wrongToken = await request(`/console/installations/${id}/delete`, {
      cookie: session,
      form: { csrf: 'x'.repeat(43), confirm: id },
    });
    const foreign = await post(
      `/console/installations/${id}/delete`,
      { confirm: id },
      'https://evil.example',
    );
    // Assess
    for (const answer of [noToken, wrongToken]) {
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('data-reason="csrf"');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('data-reason="foreign_origin"');
    expect((await page(`/console/installations/${id}`)).status).toBe(200);
  });
});

describe('the actions', () => {
  it('shows a new connect link once, with a QR code and a copy button its script is allowed to run', async () => {
    // Prepare
    const { id } = await createInstallation();
    // Act
    const made = await post(`/console/installations/${id}/connect-link`, {
      integration: 'beta',
      account: '',
    });
    const after = await page(`/console/installations/${id}`);
    // Assess
    expect(made.status).toBe(200);
    const link = /id="connect-link" data-testid="connect-link">([^<]+)</.exec(made.text)?.[1] ?? '';
    expect(link).toMatch(new RegExp(`^${world.api.url}/connect/hcl_${id}_`));
    expect(made.text).toContain('<svg class="qr"');
    expect(made.text).toContain('id="copy-link"');
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(made.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    expect(after.text).not.toContain(link);
    expect((await fetch(link)).status).toBe(200);
  });

  it('refreshes now, disconnects an account, and deletes only once the id is typed', async () => {
    // Prepare
    const { id } = await createInstallation();
    await imported(id, 'beta');
    await imported(id, 'crew', 'agent-7');
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
    // Act
    const refreshed = await post(`/console/installations/${id}/refresh`, {
      integration: 'beta',
      account: 'default',
    });
    const disconnected = await post(`/console/installations/${id}/disconnect`, {
      integration: 'crew',
      account: 'agent-7',
    });
    const shown = await page(disconnected.headers.get('location') ?? '');
    const crewAfter = await accountsOf(id, 'crew');
    const mistyped = await post(`/console/installations/${id}/delete`, { confirm: 'in_not-this-one' });
    const stillThere = (await page(`/console/installations/${id}`)).status;
    const deleted = await post(`/console/installations/${id}/delete`, { confirm: id });
    const gone = await page(`/console/installations/${id}`);
    // Assess
    expect(refreshed.status).toBe(200);
    expect(refreshed.text).toContain('data-outcome="failed"');
    expect(disconnected.status).toBe(303);
    expect(shown.text).toContain('data-done="disconnected"');
    expect(crewAfter).toEqual([]);
    expect(mistyped.status).toBe(400);
    expect(mistyped.text).toContain('data-testid="confirm-error"');
    expect(stillThere).toBe(200);
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/console/installations?done=deleted');
    expect(gone.status).toBe(404);
    expect(gone.text).toContain('does not exist');
  });

  it('replays a dead event and lists it with its attempts and last answer', async () => {
    // Prepare: an event, made dead as a day of failed attempts leaves it
    const { id } = await createInstallation();
    await imported(id, 'beta');
    const listed = await fetch(`${world.api.url}/events?state=pending&limit=100`, { headers: bearer(ADMIN) });
    const events = ((await listed.json()) as { events: Array<{ id: string; installation: string }> }).events;
    const event = events.find((entry) => entry.installation === id);
    if (event === undefined) throw new Error('the import wrote no event');
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: eventPk(event.id), sk: EVENT_SK },
        UpdateExpression: 'SET #state = :dead, #list = :list REMOVE #shard, #due',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#list': TABLE.listKey,
          '#shard': TABLE.dueShardKey,
          '#due': TABLE.dueAtKey,
        },
        ExpressionAttributeValues: { ':dead': 'dead', ':list': LISTING.events('dead') },
      }),
    );
    receiver.script([], 204);
    // Act
    const dead = await page('/console/events?state=dead');
    const replayed = await post(`/console/events/${event.id}/replay`);
    const again = await post(`/console/events/${event.id}/replay`);
    // Assess
    expect(dead.text).toContain(`data-event="${event.id}" data-state="dead"`);
    expect(dead.text).toContain('data-testid="replay"');
    expect(replayed.status).toBe(200);
    expect(replayed.text).toContain('data-state="delivered"');
    expect(again.status).toBe(409);
    expect(again.text).toContain('only a dead event can be replayed');
  });
});

describe('the end', () => {
  it('signs out (CSRF-checked), the cookie cleared', async () => {
    const refused = await request('/console/sign-out', { cookie: session, form: {} });
    const out = await post('/console/sign-out');
    expect(refused.status).toBe(403);
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?out=1');
    expect(setCookieOf(out)).toMatch(/^hs_console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });

  it('answers 429 with Retry-After once an address has tried too often this minute', async () => {
    let limited: Answer | undefined;
    for (let attempt = 0; attempt < 25 && limited === undefined; attempt += 1) {
      const answer = await request('/console/sign-in', { form: { admin_key: ADMIN } });
      if (answer.status === 429) limited = answer;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('never showed a secret: the admin key, a secure iparam, a token', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      expect(body).not.toContain(ADMIN);
      expect(body).not.toContain(SECURE_VALUE);
      expect(body).not.toContain('console-test-access-token');
      expect(body).not.toContain('console-test-refresh-token');
    }
  });
});
