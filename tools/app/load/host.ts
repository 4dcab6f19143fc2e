import { domainIsFixed, MARK, skeletonOf } from '../../../lib/app/host-skeleton';
import type { Root, Template } from '../../../lib/app/template/ast';
import { referencedNames } from '../../../lib/app/template/names';
import { describeValue, type ProblemSink, type Where } from '../problems';

export const HOST_ALLOWED = 'a domain name, optionally with :port';

/** The names whose values the installation key's holder chooses, and who that is in a message. */
const CALLER_CHOSEN: ReadonlyArray<readonly [Root, string]> = [
  ['context', "the caller's context"],
  ['app_settings', "the app settings (the installation key's holder sets them)"],
];

const MAX_PORT = 65_535;

/**
 * WHATWG URL parsers read a host whose last label is a number (`2130706433`, `0x7f000001`,
 * `127.1`, `1.2.3.4`) as an IPv4 address.
 */
function endsInNumber(name: string): boolean {
  const labels = name.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  const last = labels[labels.length - 1] ?? '';
  return !last.includes(MARK) && /^(\d+|0x[0-9a-f]*)$/i.test(last);
}

function portProblem(port: string): string | undefined {
  if (port.includes(MARK)) return /^[\d\uE000]+$/.test(port) ? undefined : 'has an invalid port';
  const number = Number(port);
  return /^\d{1,5}$/.test(port) && number >= 1 && number <= MAX_PORT ? undefined : 'has an invalid port';
}

function labelProblem(name: string): string | undefined {
  const invalid = /[^A-Za-z0-9.\-\uE000]/.exec(name);
  if (invalid !== null) return `contains ${JSON.stringify(invalid[0])}`;
  for (const label of name.split('.')) {
    if (label === '') return 'has an empty label';
    if (!label.includes(MARK) && (label.length > 63 || label.startsWith('-') || label.endsWith('-'))) {
      return `has an invalid label "${label}"`;
    }
  }
  return undefined;
}

/** Why a host skeleton is not a domain name with an optional port, or undefined when it is one. */
function hostProblem(skeleton: string): string | undefined {
  if (skeleton === '') return 'is empty';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(skeleton) || skeleton.includes('://')) return 'has a scheme';
  if (skeleton.includes('@')) return 'has user information';
  if (skeleton.includes('/')) return 'has a path';
  if (skeleton.includes('?')) return 'has a query';
  if (skeleton.includes('#')) return 'has a fragment';
  if (/[[\]]/.test(skeleton) || skeleton.split(':').length > 2) return 'is an IP address';
  const [name = '', port] = skeleton.split(':');
  if (port !== undefined) {
    const problem = portProblem(port);
    if (problem !== undefined) return problem;
  }
  if (name === '') return 'has no host name';
  if (endsInNumber(name)) return 'is an IP address';
  return labelProblem(name);
}

/**
 * The host rule of request templates: a domain name with an optional port, no scheme, path,
 * user information or IP literal. Expressions may fill in parts; their values are checked again
 * by the egress policy when the template is invoked.
 */
export function validateHostTemplate(template: Template, where: Where, sink: ProblemSink): void {
  const skeleton = skeletonOf(template);
  const problem = hostProblem(skeleton);
  const quoted = describeValue(template.source);
  if (problem !== undefined) {
    sink.error(where, `host ${quoted} ${problem}`, HOST_ALLOWED);
    return;
  }
  if (domainIsFixed(skeleton)) return;
  // The installation key's holder gives the context and sets the app settings: either lets it
  // choose where the template's headers (a token, a secure iparam) go. iparams and
  // current_host are the admin's, set when the installation is created.
  const roots = new Set(referencedNames(template).map((name) => name.root));
  for (const [root, who] of CALLER_CHOSEN) {
    if (!roots.has(root)) continue;
    sink.warning(
      where,
      `host ${quoted} lets ${who} choose the server`,
      `a fixed domain such as <%= ${root}.subdomain %>.example.com (the egress policy still refuses IP addresses and private networks)`,
    );
  }
}
