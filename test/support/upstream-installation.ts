import { createInstallation, linkFor, personConnects } from './harness';
import type { Upstream } from './upstream';

/**
 * An installation whose templates call `upstream` (its host is the `upstream` iparam, beside
 * `iparams`), with its beta account connected in Chromium by `login` (alice unless said otherwise).
 */
export async function connectedToUpstream(
  upstream: Upstream,
  options: { readonly login?: string; readonly iparams?: Readonly<Record<string, string>> } = {},
) {
  const installation = await createInstallation({ iparams: { upstream: upstream.host, ...options.iparams } });
  const link = await linkFor(installation.id, { integration: 'beta' });
  const { page } = await personConnects(link, { login: options.login ?? 'alice' });
  await page.context().close();
  return installation;
}
