import type { AllowedHost, RequestTemplate } from '../app/model';
import { renderTemplate, type Template, TemplateRenderError, type TemplateScope } from '../app/template';
import { HOST_VALUE_RULE, hostShapeProblem, type TlsMaterial } from '../egress';
import { TemplateRequestError } from '../errors';
import { accountHost, assertAllowed } from './account-facts';
import { encodePath, literalPrefix, pathProblem } from './confine-path';
import { tlsMaterial } from './tls-material';

/** What an invoke adds to the template's query (FDK's `query` argument), after it. */
export type InvokeQuery = Readonly<Record<string, string | number | boolean>>;

export interface RenderedRequest {
  readonly method: RequestTemplate['method'];
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly tls?: TlsMaterial;
}

const CR_LF = /[\r\n]/;

/** The values of the URL, those of the headers, and where a host read from the account may lead. */
export interface RenderScope {
  readonly url: TemplateScope;
  readonly headers: TemplateScope;
  readonly allowedHosts?: readonly AllowedHost[] | undefined;
}

/** One field rendered; a substitution that fails is the template's error, named by `where`. */
export function render(
  template: Parameters<typeof renderTemplate>[0],
  scope: TemplateScope,
  where: string,
  encode?: (v: string) => string,
) {
  try {
    return renderTemplate(template, scope, encode);
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      throw new TemplateRequestError('substitution', `${where}: ${error.message}`);
    }
    throw error;
  }
}

/** The rendered host must be a host name, with an optional port (the rule of lib/egress/host.ts). */
function assertRenderedHost(host: string): void {
  const problem = hostShapeProblem(host);
  if (problem !== undefined) {
    throw new TemplateRequestError(
      'host',
      `schema.host rendered to "${host}": ${problem}; allowed: ${HOST_VALUE_RULE}`,
    );
  }
}

/** The path's literal text before its first expression: what every rendering must stay under. */
function prefixOf(template: Template): string {
  const first = template.segments.findIndex((segment) => segment.kind === 'expr');
  const before = first === -1 ? template.segments : template.segments.slice(0, first);
  return literalPrefix(before.map((segment) => (segment.kind === 'text' ? segment.text : '')));
}

/** A value quoted in a refusal, cut short: the message goes back to the caller and into logs. */
const quote = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * `schema.path` as FDK renders it — values as text, so a `/` is a separator and a `?` starts the
 * query — then confined (./confine-path.ts): a path it cannot send is refused, naming the values.
 */
function renderPath(template: Template, scope: TemplateScope): { path: string; query: string } {
  const values: string[] = [];
  const rendered = render(template, scope, 'schema.path', (value) => {
    values.push(value);
    return value;
  });
  const why = pathProblem(rendered, prefixOf(template));
  if (why !== undefined) {
    const named = values.map(quote).join(', ');
    const from = values.length === 0 ? '' : ` from the value${values.length === 1 ? '' : 's'} ${named}`;
    throw new TemplateRequestError(
      'path',
      `schema.path rendered to ${quote(rendered)}${from} has ${why}; it cannot be sent`,
    );
  }
  const query = rendered.indexOf('?');
  if (query === -1) return { path: encodePath(rendered), query: '' };
  return { path: encodePath(rendered.slice(0, query)), query: rendered.slice(query + 1) };
}

/**
 * The URL: the template's scheme and host, the confined path, and one query — the path's own,
 * then `schema.query`, then the invoke's, a later name replacing an earlier one.
 */
function renderUrl(template: RequestTemplate, scope: RenderScope, extra: InvokeQuery): URL {
  const { host, prefix, chosen } = accountHost(template, render(template.host, scope.url, 'schema.host'));
  assertRenderedHost(host);
  let url: URL;
  try {
    url = new URL(`${template.protocol}://${host}`);
  } catch {
    // A port over 65535, an invalid IDNA label (`xn--…`): not a host a URL can have.
    throw new TemplateRequestError(
      'host',
      `schema.host rendered to "${host}", which is not a valid host; allowed: a host name, optionally with :port`,
    );
  }
  if (chosen) assertAllowed(url, scope.allowedHosts);
  const { path, query } = renderPath(template.path, scope.url);
  url.pathname = prefix + path;
  // Checked, not trusted: the URL parser must have kept the path exactly as confined.
  if (url.pathname !== prefix + path) {
    throw new TemplateRequestError('path', `schema.path rendered to "${path}", which a URL cannot keep`);
  }
  const params = new URLSearchParams(query);
  for (const [name, value] of template.query) {
    params.set(name, render(value, scope.url, `schema.query.${name}`));
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, String(value));
  url.search = params.toString();
  return url;
}

/**
 * Renders a request template with the caller's context, the installation's iparams, the access
 * token and the invoke's query: values land where the template puts them and cannot change the
 * scheme, host or port, leave the path's literal prefix, or add headers.
 */
export function renderRequest(
  template: RequestTemplate,
  scope: RenderScope,
  query: InvokeQuery = {},
): RenderedRequest {
  const url = renderUrl(template, scope, query);
  const headers: Record<string, string> = {};
  for (const [name, value] of template.headers) {
    const rendered = render(value, scope.headers, `schema.headers.${name}`);
    if (CR_LF.test(rendered)) {
      throw new TemplateRequestError(
        'header',
        `schema.headers.${name} would contain a line break; header values cannot`,
      );
    }
    headers[name] = rendered;
  }
  const tls = tlsMaterial(template.tls, scope.headers);
  return { method: template.method, url: url.href, headers, ...(tls === undefined ? {} : { tls }) };
}
