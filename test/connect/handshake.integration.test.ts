/**
 * The install-time handshake end to end, as a person goes through it: a real authorization
 * server (oidc-provider: PKCE enforced, exact redirect URIs, single-use codes), headless
 * Chromium, the functions behind a real HTTP endpoint, DynamoDB Local.
 */
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashKey } from '../../lib/crypto/keys';
import { accountSk, INSTALLATION_SK, installationPk, pendingSk } from '../../lib/store/layout';
import { completeProviderLogin } from '../support/browser';
import {
  ADMIN,
  accountsOf,
  bearer,
  callback,
  connectLink,
  createInstallation,
  itemsOfKind,
  linkFor,
  ofEndpoint,
  openConnectPage,
  partition,
  personConnects,
  postConnectForm,
  startAuthorization,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { PROVIDER_CLIENTS } from '../support/provider-app';

useHarness();

// ---- the flow ------------------------------------------------------------------------------

describe('a person connects an account', () => {
  it('walks link → page → form → provider login and consent → callback → authorized', async () => {
    const installation = await createInstallation();
    // The installation's own key may make links for it.
    const link = await connectLink(installation.id, installation.apiKey, { integration: 'acme' });
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(new RegExp(`^${world.api.url}/connect/hcl_${installation.id}_`));
    expect(Date.parse(link.body.expiresAt as string) - Date.now()).toBeGreaterThan(9 * 60_000);

    const context = await world.browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    const opened = await page.goto(link.body.url as string);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(page.title()).resolves.toBe('Connect Acme Helpdesk · Test Desk');
    expect(await page.locator('h1').textContent()).toBe('Connect Acme Helpdesk');
    // The app's branding (test/support/provider-app.ts), rendered under the page's own CSP.
    expect(await page.locator('img.logo').getAttribute('alt')).toBe('Test Desk');
    // A string, evaluated in the page: the tests are compiled without the DOM's types.
    const shown = await page.evaluate(`(() => {
      const img = document.querySelector('img.logo');
      const button = getComputedStyle(document.querySelector('button[type="submit"]'));
      return [img.complete && img.naturalWidth > 0, img.width, button.backgroundColor, button.color];
    })()`);
    // Loaded (the CSP allowed its data: URL), 48 px, and black text on the light accent.
    expect(shown).toEqual([true, 48, 'rgb(245, 183, 0)', 'rgb(0, 0, 0)']);
    expect(await page.locator('main p b').textContent()).toBe(new URL(world.oauth.issuer).host);
    expect(refused).toEqual([]);
    expect(await page.locator('label[for="f-tenant"]').textContent()).toBe('Tenant*');
    expect(await page.locator('#f-tenant-hint').textContent()).toBe('Your Acme tenant id');

    await page.fill('[name="tenant"]', 't-42');
    await page.click('button[type="submit"]');
    await completeProviderLogin(page, { login: 'alice', issuer: world.oauth.issuer });
    expect(await page.locator('h1').textContent()).toBe('Acme Helpdesk is connected');
    // The browser-binding cookie did its job and is gone.
    expect((await context.cookies()).filter((cookie) => cookie.name.startsWith('hs_'))).toEqual([]);
    expect(page.url()).toMatch(new RegExp(`^${world.api.url}/oauth/callback\\?`));

    const [account] = await accountsOf(installation.id, 'acme');
    expect(account).toMatchObject({
      account: 'default',
      status: 'authorized',
      scope: expect.stringContaining('tickets.read'),
    });
    expect(Date.parse(account?.expiresAt ?? '') - Date.now()).toBeGreaterThan(3000_000);

    // What the provider received.
    const received = await world.oauth.received();
    const [authorize] = ofEndpoint(received, 'authorize');
    const query = authorize?.query ?? {};
    expect(query).toMatchObject({
      tenant: 't-42',
      client_id: PROVIDER_CLIENTS.acme.clientId,
      redirect_uri: `${world.api.url}/oauth/callback`,
      response_type: 'code',
      scope: 'openid offline_access tickets.read',
      prompt: 'consent',
      code_challenge_method: 'S256',
    });
    expect(query.state).toMatch(new RegExp(`^hst_${installation.id}_`));
    expect(query).not.toHaveProperty('customHeaders');
    const [token] = ofEndpoint(received, 'token');
    expect(token?.form).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: `${world.api.url}/oauth/callback`,
    });
    const verifier = token?.form.code_verifier ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(query.code_challenge);
    const basic = Buffer.from(
      `${PROVIDER_CLIENTS.acme.clientId}:${PROVIDER_CLIENTS.acme.clientSecret}`,
    ).toString('base64');
    expect(token?.headers.authorization).toBe(`Basic ${basic}`);
    expect(token?.form).not.toHaveProperty('client_secret');
    expect(token?.headers['x-handshake-test']).toBe('acme');

    // The stored token works at the provider, and is nowhere in the table in plain text.
    const { item, tokens } = await storedTokens(installation.id, 'acme');
    const me = await fetch(world.oauth.resourceUrl, {
      headers: { authorization: `Bearer ${tokens?.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(tokens?.refreshToken).toBeDefined();
    expect(tokens?.oauthIparams).toEqual({ tenant: 't-42' });
    const table = JSON.stringify(await partition(installation.id));
    for (const secret of [
      tokens?.accessToken,
      tokens?.refreshToken,
      verifier,
      PROVIDER_CLIENTS.acme.clientSecret,
    ]) {
      expect(table).not.toContain(secret);
    }
    expect(item.refreshDueAt).toBeLessThan(item.expiresAt as number);

    // The link is spent.
    const again = await page.goto(link.body.url as string);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This link was already used');
    await context.close();
  }, 60_000);

  it('sends the person back to the returnUrl with the outcome', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, {
      integration: 'beta',
      returnUrl: `${world.api.url}/done?tab=crm`,
    });
    const { page } = await personConnects(url);
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${world.api.url}/done`);
    expect(Object.fromEntries(landed.searchParams)).toEqual({
      tab: 'crm',
      status: 'success',
      installation: installation.id,
      integration: 'beta',
      account: 'default',
    });
    await page.context().close();
  }, 60_000);

  it('authenticates with client_secret_post using the credentials from the secret store', async () => {
    const installation = await createInstallation();
    const { page } = await personConnects(await linkFor(installation.id, { integration: 'beta' }));
    const [token] = ofEndpoint(await world.oauth.received(), 'token');
    expect(token?.form).toMatchObject({
      client_id: PROVIDER_CLIENTS.beta.clientId,
      client_secret: PROVIDER_CLIENTS.beta.clientSecret,
    });
    expect(token?.headers.authorization).toBeUndefined();
    const [authorize] = ofEndpoint(await world.oauth.received(), 'authorize');
    expect(authorize?.query.client_id).toBe(PROVIDER_CLIENTS.beta.clientId);
    expect((await accountsOf(installation.id, 'beta'))[0]?.status).toBe('authorized');
    await page.context().close();
  }, 60_000);

  it('keeps several accounts of one integration apart', async () => {
    const installation = await createInstallation();
    for (const [account, login] of [
      ['portal-1', 'alice'],
      ['portal-2', 'bob'],
    ] as const) {
      const { page } = await personConnects(
        await linkFor(installation.id, { integration: 'beta', account }),
        { login },
      );
      await page.context().close();
    }
    const accounts = await accountsOf(installation.id, 'beta');
    expect(accounts.map((a) => [a.account, a.status])).toEqual([
      ['portal-1', 'authorized'],
      ['portal-2', 'authorized'],
    ]);
    const one = await storedTokens(installation.id, 'beta', 'portal-1');
    const two = await storedTokens(installation.id, 'beta', 'portal-2');
    expect(one.tokens?.accessToken).not.toBe(two.tokens?.accessToken);
    const whoami = async (token: string | undefined) =>
      (
        (await (
          await fetch(world.oauth.resourceUrl, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          sub: string;
        }
      ).sub;
    expect(await whoami(one.tokens?.accessToken)).toBe('alice');
    expect(await whoami(two.tokens?.accessToken)).toBe('bob');
  }, 90_000);

  it('needs the agent id for an agent-level integration and stores the token under it', async () => {
    const installation = await createInstallation();
    const missing = await connectLink(installation.id, ADMIN, { integration: 'crew' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('agent');
    const url = await linkFor(installation.id, { integration: 'crew', account: 'agent-42' });
    // The label is the app's name for the account, not the person's: on no page, nor a title.
    const connectHtml = await (await fetch(url)).text();
    expect(connectHtml).toContain('Connect Crew Calendar');
    const { page } = await personConnects(url);
    const callbackHtml = await page.content();
    await page.context().close();
    expect(callbackHtml).toContain('is connected');
    expect(connectHtml).not.toContain('agent-42');
    expect(callbackHtml).not.toContain('agent-42');
    expect(await accountsOf(installation.id, 'crew')).toEqual([
      expect.objectContaining({ account: 'agent-42', status: 'authorized' }),
    ]);
  }, 60_000);

  it('replaces the tokens on reauthorization', async () => {
    const installation = await createInstallation();
    const first = await personConnects(
      await linkFor(installation.id, { integration: 'crew', account: 'a1' }),
    );
    await first.page.context().close();
    const before = await storedTokens(installation.id, 'crew', 'a1');
    const second = await personConnects(
      await linkFor(installation.id, { integration: 'crew', account: 'a1' }),
    );
    await second.page.context().close();
    const after = await storedTokens(installation.id, 'crew', 'a1');
    expect(after.item.version).toBe(before.item.version + 1);
    expect(after.tokens?.accessToken).not.toBe(before.tokens?.accessToken);
    expect(await accountsOf(installation.id, 'crew')).toHaveLength(1);
  }, 90_000);
});

describe('what is refused, and what is left behind', () => {
  it('re-renders the form when a required oauth_iparam is missing, and stores nothing', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'acme' });
    const response = await postConnectForm(url, await openConnectPage(url), { tenant: '', note: 'hello' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Tenant is required.');
    expect(html).toContain('value="hello"');
    expect(await itemsOfKind(installation.id, 'STATE#')).toEqual([]);
    expect(ofEndpoint(await world.oauth.received(), 'authorize')).toEqual([]);
  });

  it('refuses an oauth_iparam that would move the provider URL elsewhere', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'acme' });
    const response = await postConnectForm(url, await openConnectPage(url), {
      tenant: 'x&redirect_uri=https://evil.example/',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('may contain only letters, digits');
    expect(await itemsOfKind(installation.id, 'STATE#')).toEqual([]);
  });

  it('ends an access_denied on a clear page, stores nothing and keeps the link usable', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'acme' });
    const { page } = await personConnects(url, { fields: { tenant: 't-1' }, deny: true });
    expect(await page.locator('h1').textContent()).toBe('Acme Helpdesk was not connected');
    expect(await page.locator('main').textContent()).toContain('Access was not granted at Acme Helpdesk');
    expect(await accountsOf(installation.id, 'acme')).toEqual([]);
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect((await page.goto(url))?.status()).toBe(200);
    await page.context().close();
  }, 60_000);

  it('refuses a replayed callback without calling the token endpoint again', async () => {
    const installation = await createInstallation();
    const { page, callbackUrl, callbackCookie } = await personConnects(
      await linkFor(installation.id, { integration: 'beta' }),
    );
    expect(callbackCookie).toMatch(/^hs_[0-9a-f]{16}=/);
    await page.context().close();
    const before = await storedTokens(installation.id, 'beta');
    await world.oauth.clearReceived();
    // Even with the browser's own cookie, a spent state is spent.
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: callbackCookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Authorization already completed');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect((await storedTokens(installation.id, 'beta')).item.version).toBe(before.item.version);
  }, 60_000);

  it.each([
    ['a forged state', (id: string) => `hst_${id}_${'A'.repeat(43)}`],
    ['a malformed state', () => 'not-a-state'],
  ])('refuses %s with 400 and exchanges nothing', async (_what, state) => {
    const installation = await createInstallation();
    const response = await callback({
      code: 'stolen-code',
      state: state(installation.id),
      iss: world.oauth.issuer,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Unknown authorization');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
  });

  it('refuses to finish an authorization in a browser that did not start it (consent phishing)', async () => {
    const attacker = await createInstallation();
    // The attacker starts from their own link and sends the provider URL to a victim.
    const started = await startAuthorization(await linkFor(attacker.id, { integration: 'beta' }));
    const victim = await world.browser.newContext();
    const page = await victim.newPage();
    await page.goto(started.provider.href);
    await completeProviderLogin(page, { login: 'victim', issuer: world.oauth.issuer });
    expect(await page.locator('h1').textContent()).toBe('Finish in the browser you started in');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect(await accountsOf(attacker.id, 'beta')).toEqual([]);
    // Nothing was spent: the state still works for the browser that holds the cookie.
    const state = (await itemsOfKind(attacker.id, 'STATE#'))[0];
    expect(state?.usedAt).toBeUndefined();
    await victim.close();
  }, 60_000);

  it('refuses a state moved to another installation', async () => {
    const victim = await createInstallation();
    const attacker = await createInstallation();
    const started = await startAuthorization(await linkFor(attacker.id, { integration: 'beta' }));
    const moved = started.state.replace(attacker.id, victim.id);
    const response = await callback({ code: 'code', state: moved, iss: world.oauth.issuer }, started.cookie);
    expect(response.status).toBe(400);
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect(await accountsOf(victim.id, 'beta')).toEqual([]);
  });

  it('refuses an expired state and leaves it unused', async () => {
    const installation = await createInstallation();
    const { state, cookie } = await startAuthorization(
      await linkFor(installation.id, { integration: 'beta' }),
    );
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: installationPk(installation.id), sk: pendingSk('state', hashKey(state)) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
    const response = await callback({ code: 'code', state, iss: world.oauth.issuer }, cookie);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Authorization expired');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect(await accountsOf(installation.id, 'beta')).toEqual([]);
  });

  it('shows an expired link as expired and an unknown one as not valid', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'beta' });
    const token = url.slice(url.lastIndexOf('/') + 1);
    // Opened while valid, so the form post below gets past the form binding to the link check.
    const opened = await openConnectPage(url);
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: installationPk(installation.id), sk: pendingSk('link', hashKey(token)) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
    const expired = await fetch(url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    const posted = await postConnectForm(url, opened);
    expect(posted.status).toBe(410);
    const unknown = await fetch(`${world.api.url}/connect/hcl_${installation.id}_${'B'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This link is not valid');
  });

  it.each([
    [400, { error: 'invalid_grant', error_description: 'The code is bad' }, 400, 'The code is bad'],
    [500, { error: 'server_error' }, 502, 'did not complete'],
  ])(
    'ends a token endpoint %i on a clear page and stores nothing',
    async (status, body, pageStatus, text) => {
      const installation = await createInstallation();
      const { state, cookie } = await startAuthorization(
        await linkFor(installation.id, { integration: 'beta' }),
      );
      await world.oauth.failTokenEndpoint({ status, body, times: 1 });
      const response = await callback({ code: 'code', state, iss: world.oauth.issuer }, cookie);
      expect(response.status).toBe(pageStatus);
      expect(await response.text()).toContain(text);
      expect(ofEndpoint(await world.oauth.received(), 'token')).toHaveLength(1);
      expect(await accountsOf(installation.id, 'beta')).toEqual([]);
    },
  );

  it('refuses a response from another issuer (mix-up) before exchanging the code', async () => {
    const installation = await createInstallation();
    const { state, cookie } = await startAuthorization(
      await linkFor(installation.id, { integration: 'acme' }),
      {
        tenant: 't',
      },
    );
    const response = await callback({ code: 'code', state, iss: 'https://evil.example' }, cookie);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('issuer_mismatch');
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
    expect(await accountsOf(installation.id, 'acme')).toEqual([]);
  });

  it('only makes links for existing installations, known integrations and safe return URLs', async () => {
    const installation = await createInstallation();
    const other = await createInstallation();
    expect((await connectLink(installation.id, other.apiKey, { integration: 'beta' })).status).toBe(403);
    expect((await connectLink('in_aaaaaaaaaaaaaaaaaaaa', ADMIN, { integration: 'beta' })).status).toBe(404);
    const unknown = await connectLink(installation.id, ADMIN, { integration: 'nope' });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('acme, beta, crew');
    for (const returnUrl of [
      'http://app.example.com/x',
      'javascript:alert(1)',
      '/relative',
      'https://u:p@app.example.com/',
    ]) {
      const refused = await connectLink(installation.id, ADMIN, { integration: 'beta', returnUrl });
      expect(refused.status).toBe(400);
    }
    expect((await connectLink(installation.id, ADMIN, { integration: 'beta', account: 'a#b' })).status).toBe(
      400,
    );
  });
});

describe('DELETE /installations/{id}', () => {
  it('revokes the grant at the provider and removes every record', async () => {
    const installation = await createInstallation();
    const { page } = await personConnects(await linkFor(installation.id, { integration: 'acme' }), {
      fields: { tenant: 't-9' },
    });
    await page.context().close();
    const { tokens } = await storedTokens(installation.id, 'acme');
    await world.oauth.clearReceived();
    const deleted = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(deleted.status).toBe(204);
    const [revocation] = ofEndpoint(await world.oauth.received(), 'revocation');
    expect(revocation?.form).toMatchObject({ token: tokens?.refreshToken, token_type_hint: 'refresh_token' });
    const me = await fetch(world.oauth.resourceUrl, {
      headers: { authorization: `Bearer ${tokens?.accessToken}` },
    });
    expect(me.status).toBe(401);
    expect(await partition(installation.id)).toEqual([]);
  }, 60_000);
});

describe('DELETE /installations/{id}/integrations/{name}/accounts/{account}', () => {
  const accountUrl = (id: string, integration: string, account: string) =>
    `${world.api.url}/installations/${id}/integrations/${integration}/accounts/${encodeURIComponent(account)}`;
  const disconnect = (url: string, key = ADMIN) => fetch(url, { method: 'DELETE', headers: bearer(key) });

  it('revokes that grant and removes that account only; the installation and its other accounts stay', async () => {
    const installation = await createInstallation();
    for (const account of ['one', 'two@example.com']) {
      const { page } = await personConnects(
        await linkFor(installation.id, { integration: 'acme', account }),
        { fields: { tenant: 't-9' } },
      );
      await page.context().close();
    }
    const { tokens } = await storedTokens(installation.id, 'acme', 'two@example.com');
    await world.oauth.clearReceived();

    const url = accountUrl(installation.id, 'acme', 'two@example.com');
    expect((await disconnect(url, installation.apiKey)).status).toBe(403);
    expect((await disconnect(url)).status).toBe(204);

    const [revocation] = ofEndpoint(await world.oauth.received(), 'revocation');
    expect(revocation?.form).toMatchObject({ token: tokens?.refreshToken, token_type_hint: 'refresh_token' });
    expect((await accountsOf(installation.id, 'acme')).map((view) => view.account)).toEqual(['one']);
    const items = (await partition(installation.id)).map((item) => item.sk);
    const one = accountSk({ integration: 'acme', account: 'one' });
    const two = accountSk({ integration: 'acme', account: 'two@example.com' });
    expect(items).toEqual(expect.arrayContaining([INSTALLATION_SK, one]));
    expect(items).not.toContain(two);
    // The installation key still works for what is left.
    const described = await fetch(`${world.api.url}/installations/${installation.id}`, {
      headers: bearer(installation.apiKey),
    });
    expect(described.status).toBe(200);

    const again = await disconnect(url);
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'NOT_FOUND',
    ]);
  }, 90_000);

  it('answers 404 for an unknown installation or integration and 400 for a malformed label', async () => {
    const installation = await createInstallation();
    expect((await disconnect(accountUrl('in_aaaaaaaaaaaaaaaaaaaa', 'acme', 'one'))).status).toBe(404);
    expect((await disconnect(accountUrl(installation.id, 'nope', 'one'))).status).toBe(404);
    expect((await disconnect(accountUrl(installation.id, 'acme', 'one'))).status).toBe(404);
    const malformed = await disconnect(accountUrl(installation.id, 'acme', 'a b'));
    expect(malformed.status).toBe(400);
  });
});
