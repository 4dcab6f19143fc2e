/** Headless Debian Chromium driven by playwright-core, and the OAuth test server's login steps. */
import { type Browser, chromium, type Page } from 'playwright-core';
import { assertChromium, chromiumPath } from '../../tools/local/prerequisites';

/**
 * Launches the Chromium that `npm test` checked for (tools/local/prerequisites.ts), or the one at
 * `executablePath`. Without one, throws how to install it rather than playwright's bare message.
 */
export async function launchBrowser(executablePath = chromiumPath(process.env)): Promise<Browser> {
  assertChromium(executablePath);
  return chromium.launch({
    executablePath,
    headless: true,
    // No internet here: keep Chromium from phoning home (it floods refused connections otherwise).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ProviderLoginOptions {
  /** Any login name works; it becomes the account id (`sub`). */
  login: string;
  /** The provider's issuer. Default: the origin of the page's current URL (call it on the provider's page). */
  issuer?: string;
  /** Click "Cancel" instead of approving: the client is redirected with error=access_denied. */
  deny?: boolean;
  /** Default 15 s. */
  timeoutMs?: number;
}

const MAX_STEPS = 6;

async function submitAndWait(page: Page, click: () => Promise<void>, timeout: number): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout,
  });
  await click();
  await navigated;
  await page.waitForLoadState('load', { timeout });
}

async function describe(page: Page): Promise<string> {
  const text =
    (await page
      .locator('body')
      .textContent({ timeout: 1000 })
      .catch(() => '')) ?? '';
  return `${page.url()}: ${text.replace(/\s+/g, ' ').slice(0, 500)}`;
}

/**
 * Completes oidc-provider's dev interactions on `page`: fills the login form (if the provider has
 * no session yet) and approves the consent page (if shown). Resolves once the browser has been
 * redirected away from the provider's origin and that page has loaded (e.g. the client's callback).
 * With `deny`, cancels instead (the client gets error=access_denied).
 * Throws with the page text when the provider shows an error page instead.
 */
export async function completeProviderLogin(page: Page, options: ProviderLoginOptions): Promise<void> {
  const timeout = options.timeoutMs ?? 15_000;
  const providerOrigin = new URL(options.issuer ?? page.url()).origin;
  const onProvider = () => {
    try {
      return new URL(page.url()).origin === providerOrigin;
    } catch {
      return false;
    }
  };
  if (!onProvider()) await page.waitForURL((url) => url.origin === providerOrigin, { timeout });
  await page.waitForLoadState('load', { timeout });

  for (let step = 0; step < MAX_STEPS && onProvider(); step += 1) {
    const cancel = page.locator('a', { hasText: 'Cancel' });
    const loginInput = page.locator('input[name="login"]');
    const consentForm = page.locator('form:has(input[name="prompt"][value="consent"])');
    if (options.deny && (await cancel.count()) > 0) {
      await submitAndWait(page, () => cancel.first().click({ timeout }), timeout);
    } else if ((await loginInput.count()) > 0) {
      await loginInput.fill(options.login);
      await page.locator('input[name="password"]').fill('any-password');
      await submitAndWait(page, () => page.locator('button[type="submit"]').click({ timeout }), timeout);
    } else if ((await consentForm.count()) > 0) {
      await submitAndWait(
        page,
        () => consentForm.locator('button[type="submit"]').click({ timeout }),
        timeout,
      );
    } else {
      throw new Error(`OAuth provider page is neither login nor consent: ${await describe(page)}`);
    }
  }
  if (onProvider())
    throw new Error(`still on the OAuth provider after ${MAX_STEPS} steps: ${await describe(page)}`);
}
