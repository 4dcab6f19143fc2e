import { baseUrlTemplateProblem } from '../../../lib/app/base-url';
import type { OAuthIparamField } from '../../../lib/app/iparams-model';
import type { Integration } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { formatName, referencedNames } from '../../../lib/app/template/names';
import { child, type ProblemSink, type Where } from '../problems';
import {
  INTEGRATION_KEYS,
  INTEGRATION_RULES,
  type IntegrationParts,
  integrationPartsSchema,
  integrationSchema,
  OAUTH_IPARAM_KEYS,
  OAUTH_IPARAM_RULES,
  oauthIparamSchema,
} from '../schemas/oauth';
import { parseReporting, parseSalvaging } from '../zod-problems';
import { readAuthOptions } from './auth-options';
import { DEFAULT_HANDSHAKE_SETTINGS, readHandshakeSettings } from './handshake-settings';
import { checkProviderHosts, type ProviderUrl } from './provider-hosts';
import { checkAbsoluteUrl, checkProviderUrl, parseField, restrictRoots } from './template-field';
import { checkTokenFacts } from './token-facts';
import { warnUnknownKeys } from './unknown-keys';

const IDENT = /^[A-Za-z_$][\w$]*$/;

type TemplateKey = 'client_id' | 'client_secret' | 'authorize_url' | 'token_url';
const URL_KEYS: readonly TemplateKey[] = ['authorize_url', 'token_url'];
const TEMPLATE_KEYS: readonly TemplateKey[] = ['client_id', 'client_secret', ...URL_KEYS];

function readOauthIparams(
  declared: IntegrationParts['oauth_iparams'],
  where: Where,
  sink: ProblemSink,
): OAuthIparamField[] {
  const fields: OAuthIparamField[] = [];
  for (const [name, raw] of Object.entries(declared ?? {})) {
    const at = child(where, name);
    warnUnknownKeys(raw, OAUTH_IPARAM_KEYS, at, sink);
    const field = parseReporting(
      oauthIparamSchema,
      raw,
      at,
      OAUTH_IPARAM_RULES,
      `oauth_iparams.${name}`,
      sink,
    );
    if (!IDENT.test(name)) {
      sink.warning(
        at,
        `oauth_iparams name "${name}" cannot be used in an expression`,
        'letters, digits, _ and $',
      );
    }
    if (field === undefined) continue;
    fields.push({
      name,
      displayName: field.display_name,
      ...(field.description === undefined ? {} : { description: field.description }),
      type: field.type,
      required: field.required ?? false,
    });
  }
  return fields;
}

/**
 * Every `oauth_iparams.NAME` must name a declared field: the connect form asks only for those.
 * `names` holds every declared field, valid or not, so a malformed field is reported only once.
 */
function checkOauthIparamRefs(
  template: Template,
  names: readonly string[],
  where: Where,
  label: string,
  sink: ProblemSink,
): void {
  for (const ref of referencedNames(template)) {
    if (ref.root !== 'oauth_iparams') continue;
    const [field, ...rest] = ref.path;
    if (field === undefined || rest.length > 0) {
      sink.error(where, `${label} uses ${formatName(ref)}`, 'oauth_iparams.NAME with exactly one field name');
    } else if (!names.includes(field)) {
      sink.error(
        where,
        `${label} uses oauth_iparams.${field}, which is not declared under oauth_iparams`,
        names.length === 0 ? 'declare the field under oauth_iparams' : names.join(', '),
      );
    }
  }
}

/** A provider URL that opens with an oauth_iparams field: a base URL of type "url", then a path. */
function checkBaseUrls(
  templates: Readonly<Record<string, Template | undefined>>,
  at: { readonly where: Where; readonly settingsWhere: Where },
  fields: readonly OAuthIparamField[],
  sink: ProblemSink,
): Set<TemplateKey> {
  const broken = new Set<TemplateKey>();
  for (const label of ['authorize_url', 'token_url', 'revocation_url', 'refresh_url']) {
    const template = templates[label];
    const problem = template === undefined ? undefined : baseUrlTemplateProblem(template, fields);
    if (problem === undefined) continue;
    if (label === 'authorize_url' || label === 'token_url') broken.add(label);
    const parent = label === 'authorize_url' || label === 'token_url' ? at.where : at.settingsWhere;
    sink.error(
      child(parent, label),
      `${label} ${problem}`,
      'an absolute https URL, or <%= oauth_iparams.NAME %>/path with NAME of type "url" (e.g. a Jira Data Center base URL)',
    );
  }
  return broken;
}

/**
 * The oauth_iparams the handshake's URLs use must be declared; a URL that opens with one must be
 * a base URL. A URL whose base is wrong is reported once, not again as a host problem (`sound`).
 */
function checkUrlFields(
  templates: Readonly<Record<string, Template | undefined>>,
  sound: Set<TemplateKey>,
  fields: { readonly declared: readonly OAuthIparamField[]; readonly names: readonly string[] | undefined },
  at: { readonly where: Where; readonly settingsWhere: Where },
  sink: ProblemSink,
): void {
  for (const label of ['revocation_url', 'refresh_url']) {
    const template = templates[label];
    if (template !== undefined && fields.names !== undefined)
      checkOauthIparamRefs(template, fields.names, child(at.settingsWhere, label), label, sink);
  }
  for (const key of checkBaseUrls(templates, at, fields.declared, sink)) sound.delete(key);
}

/**
 * `names` undefined: oauth_iparams itself failed the schema, so which fields exist is unknown.
 * `sound` lists the templates with no error of their own, the only ones worth checking further.
 */
function readTemplates(
  parts: IntegrationParts,
  oauthIparamNames: readonly string[] | undefined,
  where: Where,
  sink: ProblemSink,
): { templates: Partial<Record<TemplateKey, Template>>; sound: Set<TemplateKey> } {
  const templates: Partial<Record<TemplateKey, Template>> = {};
  const sound = new Set<TemplateKey>();
  for (const key of TEMPLATE_KEYS) {
    const source = parts[key];
    if (source === undefined) continue;
    const at = child(where, key);
    const mark = sink.mark();
    const template = parseField(source, at, key, sink);
    if (template === undefined) continue;
    // The token endpoint is called once the callback brought its facts; the others come before.
    restrictRoots(
      template,
      key === 'token_url' ? ['oauth_iparams', 'account'] : ['oauth_iparams'],
      at,
      key,
      sink,
    );
    if (oauthIparamNames !== undefined) checkOauthIparamRefs(template, oauthIparamNames, at, key, sink);
    if (key === 'token_url') checkProviderUrl(template, at, key, sink);
    else if (URL_KEYS.includes(key)) checkAbsoluteUrl(template, at, key, sink);
    templates[key] = template;
    if (!sink.errorsSince(mark)) sound.add(key);
  }
  return { templates, sound };
}

/**
 * Each URL that is sound on its own, against sound settings and client: one broken URL is
 * reported once, and a broken token_type does not hide a host problem.
 */
function checkSoundHosts(
  templates: ReturnType<typeof readTemplates>['templates'],
  sound: ReturnType<typeof readTemplates>['sound'],
  settings: ReturnType<typeof readHandshakeSettings>['settings'],
  at: {
    readonly where: Where;
    readonly settingsWhere: Where;
    readonly settingsMark: ReturnType<ProblemSink['mark']>;
  },
  sink: ProblemSink,
): void {
  const { client_id: clientId, client_secret: clientSecret } = templates;
  if (
    settings === undefined ||
    clientId === undefined ||
    clientSecret === undefined ||
    !sound.has('client_id') ||
    !sound.has('client_secret')
  ) {
    return;
  }
  const urls: ProviderUrl[] = URL_KEYS.flatMap((key) => {
    const template = templates[key];
    return template === undefined || !sound.has(key)
      ? []
      : [{ label: key, template, where: child(at.where, key) }];
  });
  const handshakeUrls = { revocation_url: settings.revocationUrl, refresh_url: settings.refreshUrl };
  for (const [label, template] of Object.entries(handshakeUrls)) {
    const urlWhere = child(at.settingsWhere, label);
    if (template !== undefined && !sink.errorsSince(at.settingsMark, urlWhere)) {
      urls.push({ label, template, where: urlWhere });
    }
  }
  checkProviderHosts(urls, { clientId, clientSecret }, settings, sink);
}

/**
 * authorize_url is where a person is sent, and oauth_iparams what they type on the connect page:
 * the first is required, the second refused, when no person takes part (token_type "client").
 */
function checkAuthorizeUrl(parts: IntegrationParts, where: Where, sink: ProblemSink): void {
  if (parts.token_type === 'client' && Object.keys(parts.oauth_iparams ?? {}).length > 0) {
    sink.error(
      child(where, 'oauth_iparams'),
      'oauth_iparams cannot be used with token_type "client": no person fills in a connect page',
      'no oauth_iparams; put fixed values in the URLs, and per-installation ones in iparams',
    );
  }
  if (parts.authorize_url !== undefined || parts.token_type === undefined) return;
  if (parts.token_type === 'client') return;
  sink.error(
    child(where, 'authorize_url'),
    `authorize_url is missing: token_type "${parts.token_type}" sends a person to the provider to connect`,
    'an absolute https URL, or token_type "client" for the client-credentials grant (no person, no connect page)',
  );
}

/**
 * Reads one integration object (either form). `where` is its path; `fallbackDisplayName` names it
 * when `display_name` is absent. Undefined when it has errors; all of them are reported, those of
 * one attribute not hiding those of another.
 */
export function readIntegration(
  name: string,
  value: unknown,
  where: Where,
  fallbackDisplayName: string,
  sink: ProblemSink,
): Integration | undefined {
  const mark = sink.mark();
  warnUnknownKeys(value, INTEGRATION_KEYS, where, sink);
  const at = `integration "${name}"`;
  const parsed = parseSalvaging(
    integrationSchema,
    integrationPartsSchema,
    value,
    where,
    INTEGRATION_RULES,
    at,
    sink,
  );
  const { value: input, valid: parts, failed } = parsed;
  if (parts === undefined) return undefined;
  const oauthIparams = readOauthIparams(parts.oauth_iparams, child(where, 'oauth_iparams'), sink);
  const oauthIparamNames = failed('oauth_iparams') ? undefined : Object.keys(parts.oauth_iparams ?? {});
  const { templates, sound } = readTemplates(parts, oauthIparamNames, where, sink);
  const settingsWhere = child(where, 'handshake');
  const settingsMark = sink.mark();
  const { settings, urls } = readHandshakeSettings(parts.handshake, settingsWhere, sink);
  const fields = { declared: oauthIparams, names: oauthIparamNames };
  checkUrlFields({ ...urls, ...templates }, sound, fields, { where, settingsWhere }, sink);
  const scopeSeparator = settings?.scopeSeparator ?? DEFAULT_HANDSHAKE_SETTINGS.scopeSeparator;
  const { options, customHeaders } = readAuthOptions(
    parts.options,
    scopeSeparator,
    child(where, 'options'),
    sink,
  );
  const {
    client_id: clientId,
    client_secret: clientSecret,
    authorize_url: authorizeUrl,
    token_url: tokenUrl,
  } = templates;
  checkSoundHosts(templates, sound, settings, { where, settingsWhere, settingsMark }, sink);
  checkAuthorizeUrl(parts, where, sink);
  if (settings !== undefined && tokenUrl !== undefined && clientSecret !== undefined)
    checkTokenFacts({ tokenUrl, clientSecret, settings, oauthIparams }, { where, settingsWhere }, sink);
  if (
    input === undefined ||
    sink.errorsSince(mark) ||
    settings === undefined ||
    clientId === undefined ||
    clientSecret === undefined ||
    tokenUrl === undefined
  ) {
    return undefined;
  }
  return {
    name,
    displayName: input.display_name ?? fallbackDisplayName,
    clientId,
    clientSecret,
    // Never rendered: a client-credentials integration has no connect page.
    authorizeUrl: authorizeUrl ?? tokenUrl,
    tokenUrl,
    options,
    customHeaders,
    tokenType: input.token_type,
    oauthIparams,
    settings,
  };
}
