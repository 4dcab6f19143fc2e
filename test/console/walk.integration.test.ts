/**
 * The console walked in Chromium as an operator walks it, against DynamoDB Local, the in-process
 * API and the test OAuth server: a wrong key refused, sign in, the account that needs
 * reauthorization found from the overview, a connect link made and completed at the provider,
 * the account authorized; a dead event replayed; an installation created from the iparams form
 * after a validation error; a post from another site and an ended session refused. Each page is
 * photographed at desktop and phone width (SCREENSHOTS_DIR, default a temp folder; docs/console.md
 * shows the ones taken with SCREENSHOTS_DIR=docs/console).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { BrowserContext, Page } from 'playwright-core';
import { adminKeyDigest, sealSession } from '../../lib/console/session';
import { MAX_ATTEMPTS } from '../../lib/events/deliver';
import { eventPk } from '../../lib/store/layout';
import { completeProviderLogin } from '../support/browser';
import { lambdaContext } from '../support/events';
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

const SHOTS = process.env.SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'console-shots-'));
mkdirSync(SHOTS, { recursive: true });
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const SECRETS = ['connect-link', 'connect-link-qr', 'installation-key'] as const;

/** The page at both widths, whole; and at phone width nothing wider than the screen. */
async function photograph(page: Page, name: string) {
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    // A connect link and an installation key are secrets even in a test: painted over.
    const mask = SECRETS.map((id) => page.locator(`[data-testid="${id}"]`));
    await page.screenshot({ path: join(SHOTS, `${name}-${size.name}.png`), fullPage: true, mask });
    if (size.name === 'phone') {
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

const consoleUrl = (path = '') => `${world.api.url}/console${path}`;
const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** Every CSP violation Chromium reports on the page: there must be none. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

async function signIn(page: Page, key = ADMIN) {
  await page.goto(consoleUrl('/sign-in'));
  await page.fill('#admin-key', key);
  await Promise.all([page.waitForLoadState('load'), testId(page, 'sign-in').click()]);
}

async function imported(id: string, integration: string, account?: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      ...(account === undefined ? {} : { account }),
      access_token: `made-up-access-${Math.random()}`,
      refresh_token: `made-up-refresh-${Math.random()}`,
      expires_in: 3600,
      validate: 'none',
    }),
  });
  expect(response.status).toBe(200);
}

type DeliverHandler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const runDeliverySchedule = async () =>
  ((await import('../../functions/deliver')) as unknown as { handler: DeliverHandler }).handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-deliver'),
  );

/** A site of another origin whose page posts a form to `action` as soon as it loads. */
async function attackerSite(
  action: string,
  fields: Record<string, string>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  const server: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<form id="f" method="post" action="${action}">${inputs}</form><script>f.submit()</script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let context: BrowserContext;
let page: Page;
let violations: string[];
beforeAll(async () => {
  context = await world.browser.newContext();
  page = await context.newPage();
  violations = cspViolations(page);
});
afterAll(async () => {
  await context?.close();
});

describe('the console, walked in Chromium', () => {
  let dead: string;

  it('refuses a wrong key, then signs in with the admin key', async () => {
    // Prepare: an installation whose beta grant died (the made-up refresh token is refused)
    dead = (await createInstallation()).id;
    await imported(dead, 'beta');
    await fetch(`${world.api.url}/installations/${dead}/integrations/beta/refresh`, {
      method: 'POST',
      headers: bearer(ADMIN),
      body: '{}',
    });
    expect((await accountsOf(dead, 'beta'))[0]?.status).toBe('reauthorization_required');
    // Act: a wrong key
    await page.goto(consoleUrl());
    expect(page.url()).toBe(consoleUrl('/sign-in'));
    await photograph(page, 'sign-in');
    await signIn(page, 'hsa_not-the-admin-key');
    // Assess
    expect(page.url()).toContain('/console/sign-in');
    await expect(testId(page, 'sign-in-notice').textContent()).resolves.toMatch(/key/i);
    expect((await context.cookies()).filter((cookie) => cookie.name.includes('hs_console'))).toEqual([]);
    // Act: the right one
    await signIn(page);
    // Assess
    expect(page.url()).toBe(consoleUrl());
    const [cookie] = (await context.cookies()).filter((entry) => entry.name.includes('hs_console'));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(await page.content()).not.toContain(ADMIN);
  });

  it('finds the account that needs reauthorization, makes a connect link, and sees it authorized once completed', async () => {
    // Act: the overview lists it first
    await page.goto(consoleUrl());
    const row = page.locator(`[data-testid="attention-row"][data-installation="${dead}"]`);
    await expect(row.getAttribute('data-integration')).resolves.toBe('beta');
    await photograph(page, 'overview');
    await Promise.all([page.waitForLoadState('load'), row.locator('a').first().click()]);
    expect(page.url()).toBe(consoleUrl(`/installations/${dead}`));
    await photograph(page, 'installation');
    const account = page.locator('[data-testid="account"][data-integration="beta"][data-account="default"]');
    await expect(account.locator('[data-status]').first().getAttribute('data-status')).resolves.toBe(
      'reauthorization_required',
    );
    const form = page.locator('[data-testid="connect-link-form"][data-integration="beta"]');
    await Promise.all([
      page.waitForLoadState('load'),
      form.locator('[data-testid="new-connect-link"]').click(),
    ]);
    const link = (await testId(page, 'connect-link').textContent())?.trim() ?? '';
    expect(link).toMatch(/\/connect\/hcl_/);
    await expect(testId(page, 'connect-link-qr').locator('svg, path').count()).resolves.toBeGreaterThan(0);
    await expect(testId(page, 'copy-link').isVisible()).resolves.toBe(true);
    await photograph(page, 'connect-link');
    // Act: the person opens the link on their phone and authorizes at the provider
    const person = await world.browser.newContext();
    const phone = await person.newPage();
    await phone.goto(link);
    await phone.click('button[type="submit"]');
    await completeProviderLogin(phone, { login: 'alice', issuer: world.oauth.issuer });
    await person.close();
    // Assess: the installation's page shows it authorized
    await page.goto(consoleUrl(`/installations/${dead}`));
    await expect(account.locator('[data-status]').first().getAttribute('data-status')).resolves.toBe(
      'authorized',
    );
  });

  it('replays a dead event', async () => {
    // Prepare: an account.authorized event whose last attempt fails, so it is dead
    const id = (await createInstallation()).id;
    await imported(id, 'crew', 'agent-42');
    const events = (await (
      await fetch(`${world.api.url}/events?state=pending&limit=100`, { headers: bearer(ADMIN) })
    ).json()) as {
      events: Array<{ id: string; type: string; event: { installation: string } }>;
    };
    const event = events.events.find(
      (row) => row.event.installation === id && row.type === 'account.authorized',
    );
    if (event === undefined) throw new Error('no account.authorized event');
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: eventPk(event.id), sk: 'EVENT' },
        UpdateExpression: 'SET attempts = :attempts',
        ExpressionAttributeValues: { ':attempts': MAX_ATTEMPTS - 1 },
      }),
    );
    receiver.script([], 500);
    await runDeliverySchedule();
    receiver.script([], 204);
    // Act
    await page.goto(consoleUrl('/events'));
    await page.selectOption('[data-testid="filter-state"]', 'dead');
    await Promise.all([page.waitForLoadState('load'), testId(page, 'events-filter-submit').click()]);
    const row = page.locator(`[data-testid="event-row"][data-event="${event.id}"]`);
    await expect(row.getAttribute('data-state')).resolves.toBe('dead');
    await photograph(page, 'events');
    await Promise.all([page.waitForLoadState('load'), row.locator('[data-testid="replay"]').click()]);
    // Assess
    await expect(testId(page, 'replay-outcome').getAttribute('data-state')).resolves.toBe('delivered');
    expect(receiver.received.map((received) => received.event.id)).toContain(event.id);
  });

  it('creates an installation from the iparams form, after a validation error shown at its field', async () => {
    // Act: a ticket prefix the regex refuses
    await page.goto(consoleUrl());
    await Promise.all([page.waitForLoadState('load'), testId(page, 'nav-new').click()]);
    await page.fill('[name="iparams.ticket_prefix"]', 'abc');
    await page.fill('[name="iparams.api_key"]', 'secret-api-key-1');
    await page.selectOption('[name="iparams.region"]', 'eu');
    await Promise.all([page.waitForLoadState('load'), page.click('form.iparams-form button[type="submit"]')]);
    // Assess: the message is next to the field, the secure value not echoed
    const field = page.locator('.field.invalid', { has: page.locator('[name="iparams.ticket_prefix"]') });
    await expect(field.locator('.error').textContent()).resolves.toContain('two to five capital letters');
    expect(await page.content()).not.toContain('secret-api-key-1');
    await photograph(page, 'new-installation-error');
    // Act: corrected
    await page.fill('[name="iparams.ticket_prefix"]', 'ABC');
    await page.fill('[name="iparams.api_key"]', 'secret-api-key-1');
    await Promise.all([page.waitForLoadState('load'), page.click('form.iparams-form button[type="submit"]')]);
    // Assess: created, its key shown once, and its page lists the secure iparam by name only
    const created = (await testId(page, 'installation-id').textContent())?.trim() ?? '';
    expect(created).toMatch(/^in_/);
    await photograph(page, 'new-installation-created');
    await page.goto(consoleUrl(`/installations/${created}`));
    await expect(
      page.locator('[data-testid="iparam"][data-name="ticket_prefix"]').textContent(),
    ).resolves.toContain('ABC');
    await expect(page.locator('[data-testid="secure-iparam"][data-name="api_key"]').count()).resolves.toBe(1);
    expect(await page.content()).not.toContain('secret-api-key-1');
  });

  it('shows the installations and the app', async () => {
    await page.goto(consoleUrl('/installations'));
    await expect(testId(page, 'installation-row').count()).resolves.toBeGreaterThanOrEqual(3);
    await photograph(page, 'installations');
    await page.goto(consoleUrl('/app'));
    await expect(
      page.locator('[data-testid="integration-row"][data-integration="beta"]').count(),
    ).resolves.toBe(1);
    await photograph(page, 'app');
  });

  it('refuses a form posted from another site, and nothing is done', async () => {
    // Prepare: the installation to delete, and a page elsewhere that posts its confirmation
    const target = (await createInstallation()).id;
    const site = await attackerSite(consoleUrl(`/installations/${target}/delete`), { confirm: target });
    try {
      // Act
      await page.goto(site.url);
      await page.waitForURL((url) => url.pathname.startsWith('/console'));
      await page.waitForLoadState('load');
      // Assess
      const reason = await testId(page, 'refusal-reason').getAttribute('data-reason');
      expect(['foreign_origin', 'cross_site', 'csrf']).toContain(reason);
      await photograph(page, 'refused');
      const still = await fetch(`${world.api.url}/installations/${target}`, { headers: bearer(ADMIN) });
      expect(still.status).toBe(200);
    } finally {
      await site.close();
    }
  });

  it('sends an ended session to sign in, and signs out', async () => {
    // Prepare: a session that ended a minute ago, sealed as the console seals them
    const vault = await (await testInfrastructure()).vault();
    const now = Date.now();
    const ended = sealSession(vault, {
      idleUntil: now - 60_000,
      until: now + 3_600_000,
      csrf: 'a'.repeat(43),
      key: adminKeyDigest(ADMIN),
    });
    const [current] = (await context.cookies()).filter((entry) => entry.name.includes('hs_console'));
    if (current === undefined) throw new Error('not signed in');
    const other = await world.browser.newContext();
    await other.addCookies([{ ...current, value: ended }]);
    const stale = await other.newPage();
    // Act
    await stale.goto(consoleUrl('/installations'));
    // Assess
    expect(stale.url()).toContain('/console/sign-in');
    await expect(testId(stale, 'sign-in-notice').textContent()).resolves.toMatch(/session/i);
    await other.close();
    // Act: sign out
    await page.goto(consoleUrl());
    await Promise.all([page.waitForLoadState('load'), testId(page, 'sign-out').click()]);
    await page.goto(consoleUrl('/events'));
    // Assess
    expect(page.url()).toContain('/console/sign-in');
    expect(violations).toEqual([]);
  });
});
