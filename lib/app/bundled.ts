import type { App, Integration, IparamField, RequestTemplate } from './model';
import type { Template } from './template/ast';

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
