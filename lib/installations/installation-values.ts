import { HOST_VALUE_RULE } from '../egress';
import { InvalidInputError } from '../errors';
import type { FieldProblem } from '../validation';

/*
 * What an installation carries besides its iparams: `current_host.endpoint_urls` (the account's
 * product hosts, FDK's `current_host`) and `app_settings` (what the app's backend keeps for it).
 * Neither is secret; both reach templates, so both are checked here, once, when they are set.
 */

/** The app settings' bound, as JSON text in UTF-8: they live on the installation item (400 KB). */
export const MAX_APP_SETTINGS_BYTES = 16_384;
/** More products than any Freshworks account has. */
const MAX_PRODUCTS = 20;
/** A product as a template names it, `current_host.endpoint_urls.NAME`: an identifier. */
const PRODUCT = /^[A-Za-z_$][\w$]{0,63}$/;

const invalid = (what: string, problems: FieldProblem[]): InvalidInputError =>
  new InvalidInputError(`Invalid ${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
    details: problems,
  });

/**
 * Each host as the egress policy will judge it when it stands as a whole `schema.host`
 * (`hostProblem`: the infrastructure's, with its allow list). Messages name the product, never
 * repeat the value.
 */
export function checkEndpointUrls(
  endpointUrls: Readonly<Record<string, string>>,
  hostProblem: (host: string) => string | undefined,
): Record<string, string> {
  const field = (product: string) => `current_host.endpoint_urls.${product}`;
  const entries = Object.entries(endpointUrls);
  const problems: FieldProblem[] = [];
  if (entries.length > MAX_PRODUCTS) {
    problems.push({ field: 'current_host.endpoint_urls', message: `at most ${MAX_PRODUCTS} products` });
  }
  for (const [product, host] of entries) {
    if (!PRODUCT.test(product)) {
      problems.push({
        field: field(product),
        message: 'a product name is letters, digits and _ (an identifier)',
      });
      continue;
    }
    const problem = hostProblem(host);
    if (problem !== undefined) {
      problems.push({ field: field(product), message: `${problem}; allowed: ${HOST_VALUE_RULE}` });
    }
  }
  if (problems.length > 0) throw invalid('current_host', problems);
  return { ...endpointUrls };
}

/** An object of JSON values within MAX_APP_SETTINGS_BYTES. */
export function checkAppSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const size = Buffer.byteLength(JSON.stringify(settings), 'utf8');
  if (size > MAX_APP_SETTINGS_BYTES) {
    throw invalid('app_settings', [
      { field: 'app_settings', message: `${size} bytes of JSON; at most ${MAX_APP_SETTINGS_BYTES}` },
    ]);
  }
  return { ...settings };
}
