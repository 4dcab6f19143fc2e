import type { App, RequestTemplate } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { pathProblem } from '../../../lib/invoke/confine-path';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import {
  REQUEST_TEMPLATE_RULES,
  type RequestTemplateParts,
  requestTemplatePartsSchema,
  requestTemplateSchema,
} from '../schemas/requests';
import { parseSalvaging } from '../zod-problems';
import { validateHostTemplate } from './host';
import { toRateLimitRule } from './rate-limit';
import { checkReferences, type ReferenceScope, type TemplateField } from './references';
import { readUpload } from './request-upload';
import { readSecurity } from './security';
import { parseField, parseFieldMap } from './template-field';

/** What a template is checked against, from the other files. */
export interface RequestScope {
  readonly oauthFormat: App['oauthConfigFormat'];
  /** Every integration named in oauth_config.json, valid or not, so one mistake is reported once. */
  readonly integrationNames: readonly string[];
  readonly iparams: ReferenceScope['iparams'];
  readonly iparamNames: ReferenceScope['iparamNames'];
  readonly hasIparamsFile: boolean;
  readonly warnedIparams: Set<string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the HTTP client from the request itself; a template overriding them could mislead the upstream. */
const CONTROLLED_HEADERS = ['host', 'content-length', 'transfer-encoding', 'connection'];

const PATH_ALLOWED = 'a path starting with / or with an expression; a ? starts the query';

/**
 * The literal text of a path under the rule every invoke applies (lib/invoke/confine-path.ts),
 * each expression standing for a harmless value: a literal the rule refuses would fail every call.
 */
function checkPath(template: Template, where: Where, sink: ProblemSink): void {
  const first = template.segments[0];
  const quoted = describeValue(template.source);
  if (first?.kind !== 'expr' && !(first?.text ?? '').startsWith('/')) {
    sink.error(where, `path ${quoted} does not start with /`, PATH_ALLOWED);
    return;
  }
  const sample = template.segments.map((segment) => (segment.kind === 'text' ? segment.text : 'x')).join('');
  const why = pathProblem(first?.kind === 'expr' ? `/${sample}` : sample, '');
  if (why !== undefined) sink.error(where, `path ${quoted} has ${why}`, PATH_ALLOWED);
}

function checkHeaders(headers: Readonly<Record<string, string>>, where: Where, sink: ProblemSink): void {
  for (const [name, value] of Object.entries(headers)) {
    const at = child(where, name);
    if (!TOKEN.test(name)) {
      sink.error(
        at,
        `header name ${describeValue(name)} is not valid`,
        'an HTTP header name (no spaces or expressions)',
      );
    } else if (CONTROLLED_HEADERS.includes(name.toLowerCase())) {
      sink.error(
        at,
        `header ${name} is set by Handshake itself`,
        `any header except ${CONTROLLED_HEADERS.join(', ')}`,
      );
    }
    if (/[\r\n]/.test(value)) sink.error(at, `header ${name} contains a line break`, 'a single-line value');
  }
}

function checkQueryNames(query: Readonly<Record<string, unknown>>, where: Where, sink: ProblemSink): void {
  for (const name of Object.keys(query)) {
    if (name.includes('<%')) {
      sink.error(
        child(where, name),
        `query parameter name ${describeValue(name)} has an expression`,
        'fixed parameter names',
      );
    }
  }
}

/**
 * The integration a template uses: `options.oauth`, or `isOAuth: true` where only one can be meant.
 * `oauthFailed`: options.oauth (or options itself) failed the schema, so nothing can be said.
 */
function resolveOauth(
  options: RequestTemplateParts['options'],
  oauthFailed: boolean,
  scope: RequestScope,
  where: Where,
  sink: ProblemSink,
): string | undefined {
  const { oauth, isOAuth } = options ?? {};
  if (oauthFailed) return undefined;
  const names = scope.integrationNames;
  const allowed =
    names.length === 0 ? 'no integration: config/oauth_config.json configures none' : names.join(', ');
  if (oauth !== undefined) {
    if (!names.includes(oauth))
      sink.error(child(where, 'oauth'), `options.oauth "${oauth}" is not an integration`, allowed);
    if (isOAuth === true)
      sink.warning(child(where, 'isOAuth'), 'isOAuth is redundant next to options.oauth', 'one of them');
    return oauth;
  }
  if (isOAuth !== true) return undefined;
  if (scope.oauthFormat === 'single') return 'default';
  const [only] = names;
  if (only !== undefined && names.length === 1) return only;
  sink.error(
    child(where, 'isOAuth'),
    names.length === 0
      ? 'isOAuth is set but no integration is configured'
      : `isOAuth cannot tell which of ${names.length} integrations to use`,
    'isOAuth with the single-configuration oauth_config.json or exactly one integration; otherwise options.oauth',
  );
  return undefined;
}

interface ParsedFields {
  readonly host: Template | undefined;
  readonly path: Template | undefined;
  readonly headers: Map<string, Template> | undefined;
  readonly query: Map<string, Template> | undefined;
}

/** Each field that passed the schema, parsed and checked; a field that did not stays undefined. */
function parseFields(
  fields: NonNullable<RequestTemplateParts['schema']>,
  where: Where,
  sink: ProblemSink,
): ParsedFields {
  const schemaWhere = child(where, 'schema');
  const { headers = {} } = fields;
  // FDK sends a number or a boolean as its text.
  const query = Object.fromEntries(
    Object.entries(fields.query ?? {}).map(([name, value]) => [name, String(value)]),
  );
  checkHeaders(headers, child(schemaWhere, 'headers'), sink);
  checkQueryNames(query, child(schemaWhere, 'query'), sink);
  const host =
    fields.host === undefined ? undefined : parseField(fields.host, child(schemaWhere, 'host'), 'host', sink);
  if (host !== undefined) validateHostTemplate(host, child(schemaWhere, 'host'), sink);
  // FDK's default path; a path that failed the schema is reported already.
  const path = parseField(fields.path ?? '/', child(schemaWhere, 'path'), 'path', sink);
  if (path !== undefined) checkPath(path, child(schemaWhere, 'path'), sink);
  return {
    host,
    path,
    headers: parseFieldMap(headers, child(schemaWhere, 'headers'), sink),
    query: parseFieldMap(query, child(schemaWhere, 'query'), sink),
  };
}

function fieldsToCheck(parsed: ParsedFields, where: Where): TemplateField[] {
  const schemaWhere = child(where, 'schema');
  const fields: TemplateField[] = [];
  if (parsed.host !== undefined)
    fields.push({ template: parsed.host, where: child(schemaWhere, 'host'), label: 'host', place: 'host' });
  if (parsed.path !== undefined)
    fields.push({ template: parsed.path, where: child(schemaWhere, 'path'), label: 'path', place: 'path' });
  for (const [name, template] of parsed.headers ?? []) {
    fields.push({
      template,
      where: child(schemaWhere, 'headers', name),
      label: `header ${name}`,
      place: 'header',
    });
  }
  for (const [name, template] of parsed.query ?? []) {
    fields.push({
      template,
      where: child(schemaWhere, 'query', name),
      label: `query ${name}`,
      place: 'query',
    });
  }
  return fields;
}

/** `options`: the integration (and whether OAuth is asked for at all), and `security`. */
function readOptions(
  options: RequestTemplateParts['options'],
  failed: (...path: string[]) => boolean,
  scope: RequestScope,
  where: Where,
  sink: ProblemSink,
) {
  const oauthFailed = failed('options', 'oauth');
  const oauth = resolveOauth(options, oauthFailed, scope, child(where, 'options'), sink);
  // An OAuth setting that failed the schema may well ask for OAuth: no access_token complaint then.
  const wantsOauth =
    options?.oauth !== undefined || options?.isOAuth === true || oauthFailed || failed('options', 'isOAuth');
  const tls = failed('options', 'security')
    ? undefined
    : readSecurity(options?.security, scope.iparams, child(where, 'options', 'security'), sink);
  if (options?.rate_limit !== undefined && (options.maxAttempts ?? 1) < 2) {
    sink.warning(
      child(where, 'options', 'rate_limit'),
      'rate_limit has no effect: maxAttempts is 1, so nothing is retried',
      'maxAttempts from 2 to 5 beside rate_limit',
    );
  }
  return { oauth, wantsOauth, tls };
}

/** Reads one entry of config/requests.json; undefined when it has errors (all reported). */
export function readRequestTemplate(
  name: string,
  value: unknown,
  where: Where,
  scope: RequestScope,
  sink: ProblemSink,
): RequestTemplate | undefined {
  const mark = sink.mark();
  const {
    value: input,
    valid: parts,
    failed,
  } = parseSalvaging(
    requestTemplateSchema,
    requestTemplatePartsSchema,
    value,
    where,
    REQUEST_TEMPLATE_RULES,
    `template "${name}"`,
    sink,
  );
  if (parts === undefined) return undefined;
  if (parts.schema?.protocol === 'http') {
    sink.warning(
      child(where, 'schema', 'protocol'),
      'protocol is "http"',
      'https; http works only for destinations on HANDSHAKE_EGRESS_ALLOW',
    );
  }
  const parsed = parseFields(parts.schema ?? {}, where, sink);
  const { oauth, wantsOauth, tls } = readOptions(parts.options, failed, scope, where, sink);
  const { upload, fields: uploadFields } = readUpload(
    parts.schema ?? {},
    child(where, 'schema'),
    sink,
    (key) => failed('schema', key),
  );
  checkReferences([...fieldsToCheck(parsed, where), ...uploadFields], { ...scope, wantsOauth }, sink);
  const { host, path, headers, query } = parsed;
  if (
    input === undefined ||
    sink.errorsSince(mark) ||
    host === undefined ||
    path === undefined ||
    headers === undefined ||
    query === undefined
  ) {
    return undefined;
  }
  const rateLimit = toRateLimitRule(input.options?.rate_limit);
  return {
    name,
    method: input.schema.method,
    protocol: input.schema.protocol ?? 'https',
    host,
    path,
    headers,
    query,
    oauth,
    maxAttempts: input.options?.maxAttempts ?? 1,
    retryDelay: input.options?.retryDelay ?? 0,
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(upload === undefined ? {} : { upload }),
    ...(tls === undefined ? {} : { tls }),
  };
}
