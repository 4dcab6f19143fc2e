import type { OAuthIparamField } from './iparams-model';
import type { Template } from './template/ast';

/*
 * A base URL typed on the connect page (Jira / Confluence Data Center, HighQ): an oauth_iparams
 * field of `type: "url"` that opens a provider URL, `<%= oauth_iparams.base_url %>/rest/oauth2/…`.
 * Its value carries '/' (a context path), which no other value in a provider URL may: it is read
 * as a URL here, once, by the validator (the template's shape) and the connect page (the value).
 */

/** The field a URL template opens with (`<%= oauth_iparams.NAME %>…`, the name alone), if any. */
export function leadingOauthIparam(template: Template): string | undefined {
  const first = template.segments[0];
  if (first?.kind !== 'expr' || first.expr.kind !== 'name') return undefined;
  const { root, path } = first.expr;
  return root === 'oauth_iparams' && path.length === 1 ? path[0] : undefined;
}

/** The `url` fields that open one of these templates: their values are base URLs. */
export function baseUrlFields(
  fields: readonly Pick<OAuthIparamField, 'name' | 'type'>[],
  templates: readonly Template[],
): Set<string> {
  const urls = new Set(fields.filter((field) => field.type === 'url').map((field) => field.name));
  const names = new Set<string>();
  for (const template of templates) {
    const name = leadingOauthIparam(template);
    if (name !== undefined && urls.has(name)) names.add(name);
  }
  return names;
}

export const BASE_URL_RULE =
  'an https address such as https://tracker.example.com or https://tracker.example.com/base: a host name, an optional port and path of letters, digits, ".", "-", "_" and "~"; no user name, query, fragment or %-escapes';

// The whole value, before any parser may read it leniently: no '@', '\', '%', '?', '#',
// whitespace or control character can get past this, so none can move the host or the path.
const SHAPE = /^(https?):\/\/([A-Za-z0-9.-]+)(:\d{1,5})?((?:\/[A-Za-z0-9._~-]+)*)\/?$/;

/**
 * The base URL as it will be used (lower-case host, no default port, no trailing '/'), or why it
 * is refused. Plain http only for a destination the egress allow list names (local development).
 */
export function checkBaseUrl(
  raw: string,
  allowsPlainHttp: (url: URL) => boolean,
): string | { problem: string } {
  const match = SHAPE.exec(raw);
  if (match === null) return { problem: 'must be a base URL' };
  const segments = (match[4] ?? '').split('/').slice(1);
  if (segments.some((segment) => segment === '.' || segment === '..'))
    return { problem: 'must not contain "." or ".." path segments' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be a base URL' };
  }
  if (url.hostname === '' || /^[\d.]+$/.test(url.hostname))
    return { problem: 'must name a host, not an IP address' };
  if (url.protocol === 'http:' && !allowsPlainHttp(url)) return { problem: 'must use https' };
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * Why a URL template that opens with an oauth_iparams field cannot be used, or undefined: the
 * field must be of type `url` (its value is then read as a base URL) and the template must go on
 * with a path ('/…'), so `<%= oauth_iparams.base_url %>.evil.example` cannot extend the host.
 */
export function baseUrlTemplateProblem(
  template: Template,
  fields: readonly Pick<OAuthIparamField, 'name' | 'type'>[],
): string | undefined {
  const name = leadingOauthIparam(template);
  if (name === undefined) return undefined;
  const field = fields.find((candidate) => candidate.name === name);
  if (field !== undefined && field.type !== 'url')
    return `opens with oauth_iparams.${name}, whose type is "${field.type}"; only a field of type "url" (a base URL) may open a URL`;
  const next = template.segments[1];
  if (next !== undefined && (next.kind !== 'text' || !next.text.startsWith('/')))
    return `goes on after oauth_iparams.${name} with something other than a path starting with "/"`;
  return undefined;
}
