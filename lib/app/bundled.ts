import { DEFAULT_HANDSHAKE_SETTINGS } from './handshake-defaults';
import type { IparamField } from './iparams-model';
import type { App, Branding, HandshakeSettings, Integration, RequestTemplate } from './model';
import type { Segment, Template } from './template/ast';
import { printTemplate } from './template/print';

/**
 * The app model in a JSON form, as the build inlines it into every bundle (infra/esbuild.config.cjs
 * runs tools/app-model.ts) and tools/app/model-file.ts writes it for unbundled code. The model is plain data — templates are parsed into plain objects —
 * except for its Maps and Sets, which become arrays of entries here. Rebuilding it is a few
 * `new Map`s: a Lambda neither validates the app again nor loads the validator.
 */
export interface BundledApp {
  readonly name: string;
  readonly platformVersion?: string;
  readonly integrations: readonly (readonly [string, Integration])[];
  readonly templates: readonly (readonly [string, BundledRequestTemplate])[];
  readonly undeclaredTemplates: readonly string[];
  readonly iparams: readonly (readonly [string, IparamField])[];
  readonly oauthConfigFormat: App['oauthConfigFormat'];
  /** In the model file only: a bundle carries it apart (bundledToJson, ./branding.ts). */
  readonly branding?: Branding;
}

type BundledRequestTemplate = Omit<RequestTemplate, 'headers' | 'query'> & {
  readonly headers: readonly (readonly [string, Template])[];
  readonly query: readonly (readonly [string, Template])[];
};

/** The JSON form of a validated app. */
export function toBundled(app: App): BundledApp {
  return {
    name: app.name,
    ...(app.platformVersion === undefined ? {} : { platformVersion: app.platformVersion }),
    integrations: [...app.integrations],
    templates: [...app.templates].map(([name, template]) => [
      name,
      { ...template, headers: [...template.headers], query: [...template.query] },
    ]),
    undeclaredTemplates: [...app.undeclaredTemplates],
    iparams: [...app.iparams],
    oauthConfigFormat: app.oauthConfigFormat,
    branding: app.branding,
  };
}

const isTemplate = (value: unknown): value is { segments: unknown; source?: unknown } =>
  typeof value === 'object' && value !== null && Array.isArray((value as { segments?: unknown }).segments);

/** The settings that differ from their defaults: the rest is filled in again by fromBundled. */
function settingsBesideDefaults(settings: HandshakeSettings): Partial<HandshakeSettings> {
  const defaults = DEFAULT_HANDSHAKE_SETTINGS as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(settings).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key]),
    ),
  );
}

/**
 * The JSON text of the bundled form, which every bundle carries (the 350 KB budget,
 * docs/BENCHMARKS.md), so written small: a template travels as its segments only — its `source`
 * and each expression's `offset` serve the validator's messages —, a text segment as its bare
 * string, and an integration's settings without those equal to their defaults. The branding is
 * left out: the build carries it apart, to the functions that render pages (./branding.ts).
 * bundledFromJson prints each source back (the same template, spaced as printTemplate spaces it); an
 * expression's offset is not read after validation, and a bundled one has none.
 */
export function bundledToJson(bundled: BundledApp): string {
  const { branding: _carriedApart, ...rest } = bundled;
  const small: BundledApp = {
    ...rest,
    integrations: bundled.integrations.map(([name, integration]) => [
      name,
      { ...integration, settings: settingsBesideDefaults(integration.settings) as HandshakeSettings },
    ]),
  };
  return JSON.stringify(small, function (this: unknown, key, value: unknown) {
    if (key === 'offset' && (this as { kind?: unknown }).kind === 'expr') return undefined;
    if (isTemplate(value))
      return { segments: (value.segments as Segment[]).map((s) => (s.kind === 'text' ? s.text : s)) };
    return value;
  });
}

/** The bundled form from its JSON text: each template's text segments and source made again. */
export function bundledFromJson(text: string): BundledApp {
  return JSON.parse(text, (_key, value: unknown) => {
    if (!isTemplate(value) || value.source !== undefined) return value;
    const segments = (value.segments as (Segment | string)[]).map((s) =>
      typeof s === 'string' ? { kind: 'text' as const, text: s } : s,
    );
    return { source: printTemplate({ source: '', segments }), segments };
  }) as BundledApp;
}

/** The app model again from its JSON form; trusts it, as the build validated the app. */
export function fromBundled(bundled: BundledApp): App {
  return {
    name: bundled.name,
    platformVersion: bundled.platformVersion,
    // A compact model (bundledToJson) left out the settings equal to their defaults.
    integrations: new Map(
      bundled.integrations.map(([name, integration]) => [
        name,
        { ...integration, settings: { ...DEFAULT_HANDSHAKE_SETTINGS, ...integration.settings } },
      ]),
    ),
    templates: new Map(
      bundled.templates.map(([name, template]) => [
        name,
        { ...template, headers: new Map(template.headers), query: new Map(template.query) },
      ]),
    ),
    undeclaredTemplates: new Set(bundled.undeclaredTemplates),
    iparams: new Map(bundled.iparams),
    oauthConfigFormat: bundled.oauthConfigFormat,
    // A bundle's model has none: getBranding() (./branding.ts) reads what the build carried apart.
    branding: bundled.branding ?? {},
  };
}

/** The JSON text of the branding as the page-rendering bundles carry it (./branding.ts). */
export const brandingJson = (branding: Branding): string => JSON.stringify(branding);
