import { TOKEN_NAMES } from '../../../lib/accounts/facts';
import type { IparamField } from '../../../lib/app/iparams-model';
import type { Template } from '../../../lib/app/template/ast';
import { formatName, type NameReference, referencedNames } from '../../../lib/app/template/names';
import type { ProblemSink, Where } from '../problems';

/** Where in a request a template field sits: access tokens and secure iparams go in headers only. */
export type Place = 'host' | 'path' | 'header' | 'query' | 'body';

export interface TemplateField {
  readonly template: Template;
  readonly where: Where;
  readonly label: string;
  readonly place: Place;
}

export interface ReferenceScope {
  /** Whether the template asks for OAuth (`options.oauth` or `isOAuth`), even if that was refused. */
  readonly wantsOauth: boolean;
  readonly iparams: ReadonlyMap<string, IparamField>;
  /** Every iparam named in config/iparams.json, valid or not, so that one mistake is reported once. */
  readonly iparamNames: readonly string[];
  readonly hasIparamsFile: boolean;
  /** Undefined iparams already warned about: one warning per name is enough. */
  readonly warnedIparams: Set<string>;
}

const REQUEST_NAMES =
  'context.NAME, iparam.NAME, current_host.endpoint_urls.PRODUCT, app_settings.PATH, and in OAuth templates account.NAME (an oauth_iparams value is account.NAME) and access_token in headers';

/**
 * `account.NAME`: the account's oauth_iparams, captured callback parameters and kept
 * token-response fields. Any place may use it; only templates with an account have one.
 */
function checkAccount(
  ref: NameReference,
  field: TemplateField,
  scope: ReferenceScope,
  sink: ProblemSink,
): void {
  const { where, label } = field;
  const [name] = ref.path;
  if (name === undefined)
    sink.error(
      where,
      `${label} uses account without a field name`,
      'account.NAME, e.g. account.instance_url',
    );
  else if (TOKEN_NAMES.includes(name))
    sink.error(
      where,
      `${label} uses ${formatName(ref)}, a token`,
      'account facts, never tokens: access_token in headers',
    );
  else if (!scope.wantsOauth)
    sink.error(
      where,
      `${label} uses ${formatName(ref)} but the template uses no OAuth integration`,
      'account.NAME only in templates with options.oauth (or options.isOAuth)',
    );
}

function checkAccessToken(
  ref: NameReference,
  field: TemplateField,
  scope: ReferenceScope,
  sink: ProblemSink,
): void {
  const { where, label } = field;
  if (ref.path.length > 0)
    sink.error(where, `${label} uses ${formatName(ref)}`, 'access_token without fields');
  else if (field.place !== 'header')
    sink.error(where, `${label} uses access_token outside headers`, 'access_token only in headers');
  else if (!scope.wantsOauth) {
    sink.error(
      where,
      `${label} uses access_token but the template uses no OAuth integration`,
      'access_token only in templates with options.oauth (or options.isOAuth)',
    );
  }
}

function checkIparam(
  ref: NameReference,
  field: TemplateField,
  scope: ReferenceScope,
  sink: ProblemSink,
): void {
  const { where, label } = field;
  const [name, ...rest] = ref.path;
  if (name === undefined) {
    sink.error(where, `${label} uses iparam without a field name`, 'iparam.NAME');
    return;
  }
  const iparam = scope.iparams.get(name);
  if (iparam === undefined) {
    if (scope.warnedIparams.has(name) || scope.iparamNames.includes(name)) return;
    scope.warnedIparams.add(name);
    const known = [...scope.iparams.keys()];
    sink.warning(
      where,
      scope.hasIparamsFile
        ? `${label} uses iparam.${name}, which config/iparams.json does not define`
        : `${label} uses iparam.${name}, but there is no config/iparams.json`,
      `${known.length === 0 ? 'iparams' : known.join(', ')} defined in config/iparams.json (or set by a custom installation page)`,
    );
  } else if (rest.length > 0) {
    sink.error(where, `${label} uses ${formatName(ref)}`, `iparam.${name}: iparam values have no fields`);
  } else if (iparam.secure && field.place !== 'header') {
    sink.error(
      where,
      `${label} uses secure iparam.${name} outside headers`,
      'secure iparams only in headers',
    );
  }
}

/**
 * `current_host.endpoint_urls.PRODUCT` and `app_settings.PATH` are set per installation
 * (POST /installations, PUT …/app-settings), not declared in a file: only their shape is checked.
 * Any part of a request may use them, as FDK apps do (Freshworks' two-way-SSL sample builds a
 * host, a path and Basic credentials from nested app settings such as `app_settings.visa.username`).
 */
function checkInstallationValue(ref: NameReference, field: TemplateField, sink: ProblemSink): void {
  const fits =
    ref.root === 'current_host'
      ? ref.path.length === 2 && ref.path[0] === 'endpoint_urls'
      : ref.path.length >= 1;
  if (fits) return;
  const allowed =
    ref.root === 'current_host'
      ? 'current_host.endpoint_urls.PRODUCT (e.g. current_host.endpoint_urls.freshdesk)'
      : 'app_settings.KEY, or a field of it (app_settings.KEY.FIELD)';
  sink.error(field.where, `${field.label} uses ${formatName(ref)}`, allowed);
}

function checkReference(
  ref: NameReference,
  field: TemplateField,
  scope: ReferenceScope,
  sink: ProblemSink,
): void {
  switch (ref.root) {
    case 'access_token':
      checkAccessToken(ref, field, scope, sink);
      return;
    case 'iparam':
      checkIparam(ref, field, scope, sink);
      return;
    case 'context':
      if (ref.path.length === 0)
        sink.error(field.where, `${field.label} uses context without a field name`, 'context.NAME');
      return;
    case 'current_host':
    case 'app_settings':
      checkInstallationValue(ref, field, sink);
      return;
    case 'account':
      checkAccount(ref, field, scope, sink);
      return;
    case 'oauth_iparams':
      sink.error(
        field.where,
        `${field.label} uses ${formatName(ref)}, which only config/oauth_config.json can use; write account.${ref.path[0] ?? 'NAME'}`,
        REQUEST_NAMES,
      );
      return;
  }
}

/** The name rules of request templates, once per distinct name in each field. */
export function checkReferences(
  fields: readonly TemplateField[],
  scope: ReferenceScope,
  sink: ProblemSink,
): void {
  for (const field of fields) {
    const seen = new Set<string>();
    for (const ref of referencedNames(field.template)) {
      const key = formatName(ref);
      if (seen.has(key)) continue;
      seen.add(key);
      checkReference(ref, field, scope, sink);
    }
  }
}
