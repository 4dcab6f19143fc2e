/**
 * The create-installation form's vocabulary: its form keys — the JSON paths of POST
 * /installations' body, `iparams.NAME`, `current_host.endpoint_urls.PRODUCT`, `app_settings`,
 * so they never meet the console's own hidden fields and an error of the use case lands on its
 * field as it is —, the state a render shows, and what of current_host and app_settings the
 * app's templates read (the form asks for those only).
 */
import type { App } from '../app/model';
import type { Template } from '../app/template/ast';
import { referencedNames } from '../app/template/names';

/** What the form needs of the app: its fields, and the templates that say which hosts and settings it reads. */
export type FormApp = Pick<App, 'iparams' | 'templates' | 'integrations'>;

export const iparamKey = (name: string): string => `iparams.${name}`;
export const endpointKey = (product: string): string => `current_host.endpoint_urls.${product}`;
export const APP_SETTINGS_KEY = 'app_settings';

export interface IparamsFormState {
  /** iparam name → value as parseIparamsForm types it; a name absent shows its default_value. */
  readonly values: Readonly<Record<string, unknown>>;
  /** `current_host.endpoint_urls` as posted: product → host. */
  readonly endpointUrls?: Readonly<Record<string, string>>;
  /** Form key (see iparamKey, endpointKey, APP_SETTINGS_KEY) → what is wrong and what is allowed. */
  readonly errors: Readonly<Record<string, string>>;
}

/** The form as a GET shows it: defaults, no errors. */
export const EMPTY_FORM: IparamsFormState = { values: {}, errors: {} };

// What the app's templates read: the products of current_host and the names of app_settings.

/** Every template in the model, found by shape as lib/app/bundled.ts finds them. */
function templatesIn(value: unknown, into: Template[]): Template[] {
  if (typeof value !== 'object' || value === null) return into;
  if (value instanceof Map) for (const item of value.values()) templatesIn(item, into);
  else if (Array.isArray((value as { segments?: unknown }).segments)) into.push(value as Template);
  else for (const item of Object.values(value)) templatesIn(item, into);
  return into;
}

interface Reads {
  /** `current_host.endpoint_urls.PRODUCT`: each product once, in the order first read. */
  readonly products: readonly string[];
  /** `app_settings.NAME`: each top-level name once. */
  readonly settings: readonly string[];
}

const readsCache = new WeakMap<object, Reads>();

/** The products and settings the app reads; computed once per app (the model never changes). */
export function installationReads(app: Pick<App, 'templates' | 'integrations'>): Reads {
  const cached = readsCache.get(app);
  if (cached !== undefined) return cached;
  const products = new Set<string>();
  const settings = new Set<string>();
  for (const template of templatesIn([app.integrations, app.templates], [])) {
    for (const ref of referencedNames(template)) {
      const [first, second] = ref.path;
      if (ref.root === 'current_host' && first === 'endpoint_urls' && second !== undefined)
        products.add(second);
      if (ref.root === 'app_settings' && first !== undefined) settings.add(first);
    }
  }
  const reads = { products: [...products], settings: [...settings] };
  readsCache.set(app, reads);
  return reads;
}
