import { urlHostIsChosen, urlHostNames } from './host-skeleton';
import type { AllowedHost, Integration } from './model';
import type { Template } from './template/ast';
import { renderTemplate } from './template/render';

/*
 * `handshake.allowed_hosts`: which servers an integration's provider URLs may reach when the
 * person who connects chooses the host. Validation (tools/app/load/provider-hosts.ts), the connect
 * form and every token request use these functions, so the rule is written once.
 */

export const ALLOWED_HOST_RULE =
  'a host name such as login.example.com, or *.example.com for any host under that domain, optionally with :port; no scheme, path or IP address';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_PORT = 65_535;

function portOf(text: string): number | string {
  const port = Number(text);
  return /^\d{1,5}$/.test(text) && port >= 1 && port <= MAX_PORT ? port : 'has an invalid port';
}

function shapeProblem(pattern: string): string | undefined {
  if (pattern === '') return 'is empty';
  if (pattern.includes('://')) return 'has a scheme';
  if (pattern.includes('/')) return 'has a path';
  if (/[?#]/.test(pattern)) return 'has a query or fragment';
  if (pattern.includes('@')) return 'has user information';
  if (pattern.includes('[') || pattern.split(':').length > 2) return 'is an IP address';
  return undefined;
}

function nameProblem(name: string, wildcard: boolean): string | undefined {
  if (name.includes('*')) return 'has a * that is not the first label (write *.example.com)';
  if (/[^\x21-\x7e]/.test(name)) return 'is not ASCII (write internationalized names in their xn-- form)';
  const labels = name.split('.');
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) return bad === '' ? 'has an empty label' : `has an invalid label "${bad}"`;
  // URL parsers read a name whose last label is a number as an IPv4 address.
  if (/^(\d+|0x[0-9a-f]*)$/.test(labels[labels.length - 1] ?? '')) return 'is an IP address';
  if (wildcard && labels.length < 2) return `does not fix a registrable domain (*.${name} is a whole TLD)`;
  return undefined;
}

/** Reads one pattern; a string says what is wrong with it. Names are compared lower-cased, without a trailing dot. */
export function parseAllowedHost(pattern: string): AllowedHost | string {
  const shape = shapeProblem(pattern);
  if (shape !== undefined) return shape;
  const [rawName = '', rawPort] = pattern.split(':');
  const port = rawPort === undefined ? undefined : portOf(rawPort);
  if (typeof port === 'string') return port;
  const name = rawName.toLowerCase().replace(/\.$/, '');
  if (name === '*') return 'is a bare *, which would allow every server';
  const wildcard = name.startsWith('*.');
  const domain = wildcard ? name.slice(2) : name;
  const problem = nameProblem(domain, wildcard);
  return problem ?? { domain, subdomains: wildcard, port };
}

/** `*.example.com:8443`, as written. */
export const formatAllowedHost = (pattern: AllowedHost): string =>
  `${pattern.subdomains ? '*.' : ''}${pattern.domain}${pattern.port === undefined ? '' : `:${pattern.port}`}`;

/**
 * Whether one pattern allows a host name and port. `*.d` is one or more labels under `d`, never
 * `d` itself; a pattern without a port allows only the scheme's default port (`port` undefined).
 */
export function hostMatches(pattern: AllowedHost, hostname: string, port: number | undefined): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (pattern.port !== port) return false;
  if (!pattern.subdomains) return name === pattern.domain;
  const suffix = `.${pattern.domain}`;
  return name.length > suffix.length && name.endsWith(suffix);
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };

/** Whether some pattern allows the URL's host. An IP address never matches: patterns are names. */
export function urlAllowed(patterns: readonly AllowedHost[], url: URL): boolean {
  // WHATWG URL leaves the scheme's default port out; a pattern naming it is one naming none.
  const port = url.port === '' ? undefined : Number(url.port);
  const defaultPort = DEFAULT_PORTS[url.protocol];
  return patterns.some((pattern) =>
    hostMatches(pattern.port === defaultPort ? { ...pattern, port: undefined } : pattern, url.hostname, port),
  );
}

/** Every provider URL of an integration, each a template the oauth_iparams may fill in. */
export const providerUrlTemplates = (integration: Integration): Template[] =>
  [
    integration.authorizeUrl,
    integration.tokenUrl,
    integration.settings.refreshUrl,
    integration.settings.revocationUrl,
  ].filter((template) => template !== undefined);

/** True when the template is exactly `<%= oauth_iparams.NAME %>`, nothing else. */
function isOauthIparam(template: Template): boolean {
  const [only, ...rest] = template.segments;
  return (
    rest.length === 0 &&
    only?.kind === 'expr' &&
    only.expr.kind === 'name' &&
    only.expr.root === 'oauth_iparams' &&
    only.expr.path.length === 1
  );
}

/**
 * client_id and client_secret both come from the connect form: the installer's own OAuth app,
 * so no secret of the operator's goes to the server the installer names. A fallback
 * (`<%= oauth_iparams.secret || 'x' %>`) does not count: the fallback would be the operator's.
 */
export const clientFromInstaller = (integration: Pick<Integration, 'clientId' | 'clientSecret'>): boolean =>
  isOauthIparam(integration.clientId) && isOauthIparam(integration.clientSecret);

/**
 * Whether a chosen host is read from the account (`account.accounts_server`): a callback
 * parameter or a token-response field, which the installer's own client does not make theirs.
 */
export const hostFromAccount = (url: Template): boolean =>
  urlHostNames(url).some((name) => name.root === 'account');

/**
 * Whether a provider URL needs allowed_hosts: its host is chosen, by the account or by the
 * installer while the client is not theirs.
 */
export const needsAllowedHosts = (
  integration: Pick<Integration, 'clientId' | 'clientSecret'>,
  url: Template,
): boolean => urlHostIsChosen(url) && (hostFromAccount(url) || !clientFromInstaller(integration));

/**
 * Why a request to a provider URL (rendered from `template` with the account's oauth_iparams)
 * must not be sent, or undefined when it may go (the egress policy still applies). With
 * allowed_hosts the host must match; without, a host the installer chose is fine only while the
 * secret sent is the one they entered — a client-credentials secret in Secrets Manager wins over
 * the file, and it is the operator's.
 */
export function providerUrlRefusal(
  integration: Integration,
  template: Template,
  rendered: string,
  request: { readonly clientSecret: string; readonly oauthIparams: Readonly<Record<string, string>> },
): string | undefined {
  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    return 'the provider URL rendered from the oauth_iparams is not a valid URL';
  }
  const patterns = integration.settings.allowedHosts;
  if (patterns !== undefined) {
    return urlAllowed(patterns, url) ? undefined : `host ${url.host} is not in handshake.allowed_hosts`;
  }
  if (!urlHostIsChosen(template)) return undefined;
  if (hostFromAccount(template))
    return `host ${url.host} comes from the account and the integration declares no handshake.allowed_hosts`;
  const entered = renderTemplate(integration.clientSecret, { oauth_iparams: request.oauthIparams });
  return clientFromInstaller(integration) && request.clientSecret === entered
    ? undefined
    : `host ${url.host} was chosen by the installer and the client secret is not theirs; declare handshake.allowed_hosts`;
}
