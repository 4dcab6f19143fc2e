import type { App, Integration, IparamField, RequestTemplate } from './model';
import type { Template } from './template/ast';
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
  };
}

const isTemplate = (value: unknown): value is { segments: unknown; source?: unknown } =>
  typeof value === 'object' && value !== null && Array.isArray((value as { segments?: unknown }).segments);

/**
 * The JSON text of the bundled form. A template travels as its segments only: its `source` and
 * each expression's `offset` serve the validator's messages, and they were a fifth of the model
 * every bundle carries (the 350 KB budget, docs/BENCHMARKS.md). bundledFromJson prints the source
 * back (the same template, spaced as printTemplate spaces it); an expression's offset is not
 * read after validation, and a bundled one has none.
 */
export function bundledToJson(bundled: BundledApp): string {
  return JSON.stringify(bundled, function (this: unknown, key, value: unknown) {
    if (key === 'offset' && (this as { kind?: unknown }).kind === 'expr') return undefined;
    if (key === 'source' && isTemplate(this)) return undefined;
    return value;
  });
}

/** The bundled form from its JSON text, each template's source printed back from its segments. */
export function bundledFromJson(text: string): BundledApp {
  return JSON.parse(text, (_key, value: unknown) =>
    isTemplate(value) && value.source === undefined
      ? { source: printTemplate(value as unknown as Template), segments: value.segments }
      : value,
  ) as BundledApp;
}

/** The app model again from its JSON form; trusts it, as the build validated the app. */
export function fromBundled(bundled: BundledApp): App {
  return {
    name: bundled.name,
    platformVersion: bundled.platformVersion,
    integrations: new Map(bundled.integrations),
    templates: new Map(
      bundled.templates.map(([name, template]) => [
        name,
        { ...template, headers: new Map(template.headers), query: new Map(template.query) },
      ]),
    ),
    undeclaredTemplates: new Set(bundled.undeclaredTemplates),
    iparams: new Map(bundled.iparams),
    oauthConfigFormat: bundled.oauthConfigFormat,
  };
}
