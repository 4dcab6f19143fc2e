import type { RequestTemplate } from '../app/model';
import { renderTemplate, TemplateRenderError, type TemplateScope } from '../app/template';
import { HOST_VALUE_RULE, hostShapeProblem } from '../egress';
import { TemplateRequestError } from '../errors';

export interface RenderedRequest {
  readonly method: RequestTemplate['method'];
  readonly url: string;
  readonly headers: Record<string, string>;
}

const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;
const CR_LF = /[\r\n]/;
const ILL_FORMED_VALUE =
  'a substituted value contains ill-formed Unicode (a lone surrogate); it cannot be sent in a path';

function render(
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

/**
 * A substituted value in a path segment: percent-encoded so it cannot add segments, a query or
 * a fragment. A value that would be a whole `.` or `..` segment is refused: URL parsers
 * collapse those (also encoded), so it could climb out of the template's path.
 */
function pathValue(value: string): string {
  if (DOT_SEGMENT.test(value)) {
    throw new TemplateRequestError(
      'context',
      `a context value "${value}" would be a "." or ".." path segment; such values cannot be sent`,
    );
  }
  // The edge refuses ill-formed context; an iparam stored before it did could still hold a lone
  // surrogate, on which encodeURIComponent throws.
  if (!value.isWellFormed()) throw new TemplateRequestError('context', ILL_FORMED_VALUE);
  return encodeURIComponent(value);
}

/**
 * Renders a request template with the caller's context, the installation's iparams and the
 * access token: values land where the template puts them and cannot change the scheme, host,
 * port, the path's shape, the query's keys or add headers.
 */
export function renderRequest(
  template: RequestTemplate,
  scope: { readonly url: TemplateScope; readonly headers: TemplateScope },
): RenderedRequest {
  const host = render(template.host, scope.url, 'schema.host');
  assertRenderedHost(host);
  const path = render(template.path, scope.url, 'schema.path', pathValue);
  if (!path.startsWith('/')) throw new TemplateRequestError('path', 'schema.path must start with "/"');
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
  url.pathname = path;
  for (const [name, value] of template.query) {
    url.searchParams.set(name, render(value, scope.url, `schema.query.${name}`));
  }
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
  return { method: template.method, url: url.href, headers };
}
