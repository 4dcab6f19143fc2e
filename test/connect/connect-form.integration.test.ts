/**
 * The connect form accepts only posts from its own page (login CSRF): a page on another site
 * that makes a victim's browser submit the attacker's own link gets a 403, and the victim's
 * browser holds no binding cookie afterwards, so the attacker cannot have the victim's
 * consent land on the attacker's installation.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORM_FIELD } from '../../lib/connect/form-binding';
import {
  createInstallation,
  itemsOfKind,
  linkFor,
  ofEndpoint,
  openConnectPage,
  postConnectForm,
  useHarness,
  world,
} from '../support/harness';

useHarness();

const REFUSAL = 'This form must be sent from the page this link opened';
const SHOTS_DIR = '/tmp/shots-b';

/** The attacker's site: a page that auto-submits a form to `target`, on another host than the API. */
async function attackerSite(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><form id="f" method="post" action="${target}">
<input name="tenant" value="t-1"></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // "localhost" while the API is on 127.0.0.1: another site, as the attacker's would be.
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function nothingStarted(installationId: string) {
  expect(await itemsOfKind(installationId, 'STATE#')).toEqual([]);
  expect(ofEndpoint(await world.oauth.received(), 'authorize')).toEqual([]);
  expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
}

describe('POST /connect/{token} from anywhere but its page', () => {
  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['the opaque origin null', { origin: 'null', 'sec-fetch-site': '' }],
    ['null from another site', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site cross-site', { origin: '', 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { origin: '', 'sec-fetch-site': 'same-site' }],
  ])(
    'refuses %s even with a valid binding: 403, no cookie, no state, no redirect',
    async (_name, headers) => {
      const installation = await createInstallation();
      const url = await linkFor(installation.id, { integration: 'beta' });
      const opened = await openConnectPage(url);
      const response = await postConnectForm(url, opened, {}, headers);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain(REFUSAL);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('location')).toBeNull();
      await nothingStarted(installation.id);
    },
  );

  it('refuses a bare form post from a client that sends neither header nor binding', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'beta' });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(REFUSAL);
    expect(response.headers.getSetCookie()).toEqual([]);
    await nothingStarted(installation.id);
  });

  it("refuses another link's page binding", async () => {
    const installation = await createInstallation();
    const mine = await linkFor(installation.id, { integration: 'beta' });
    const other = await openConnectPage(await linkFor(installation.id, { integration: 'beta' }));
    const response = await postConnectForm(mine, other);
    expect(response.status).toBe(403);
    await nothingStarted(installation.id);
  });

  it('lets a client that sends neither header post with the page binding', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'beta' });
    const opened = await openConnectPage(url);
    const response = await postConnectForm(url, opened, {}, { origin: '', 'sec-fetch-site': '' });
    expect(response.status).toBe(302);
  });

  it('lets the page post itself, and again from a second tab of the same link', async () => {
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'beta' });
    const first = await openConnectPage(url);
    expect(first.fields[FORM_FIELD]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await postConnectForm(url, first)).status).toBe(302);
    // The second GET carries the cookie (Lax, top-level GET) and keeps the same secret.
    const again = await fetch(url, { headers: { cookie: first.cookie } });
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await again.text()).toContain(`value="${first.fields[FORM_FIELD]}"`);
  });
});

describe('in Chromium', () => {
  it("refuses an attacker's page that submits the attacker's link in the victim's browser", async () => {
    const attacker = await createInstallation();
    const url = await linkFor(attacker.id, { integration: 'beta' });
    const site = await attackerSite(url);
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      // The victim even opened the attacker's link before: the Lax cookie still stays home.
      await page.goto(url);
      await page.goto(site.url);
      await page.waitForURL(url);
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Open the link again');
      expect(await page.locator('main').textContent()).toContain(REFUSAL);
      const cookies = await context.cookies();
      expect(cookies.filter((cookie) => cookie.name.startsWith('hs_'))).toEqual([]);
      await nothingStarted(attacker.id);

      mkdirSync(SHOTS_DIR, { recursive: true });
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
        await page.screenshot({ path: `${SHOTS_DIR}/connect-403-${width}.png`, fullPage: true });
      }
    } finally {
      await context.close();
      await site.close();
    }
  }, 60_000);
});
