import { parseIp } from './address';
import type { EgressAllowList } from './allow-list';
import { checkUrl } from './policy';

/** A host name (labels of letters, digits, '-', '_'), optionally with a port. */
const HOST =
  /^(?=.{1,253}(:|$))[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?(?::\d{1,5})?$/;

/** `a.b.c.d` exactly as an IPv4 address is written, no leading zeros. */
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const HOST_VALUE_RULE = 'a host name, optionally with :port';

/**
 * Why a whole-host value (a rendered `schema.host`, a `current_host` endpoint) is not a host
 * name with an optional port, or undefined when it is one. An IP address written the usual way
 * passes here and is judged by the egress policy, which refuses it unless the allow list names
 * it; the other numeric spellings (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`) never pass.
 */
export function hostShapeProblem(host: string): string | undefined {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(host);
  if (bracketed !== null)
    return parseIp(bracketed[1] ?? '') === undefined ? 'not an IPv6 address' : undefined;
  if (!HOST.test(host)) return 'not a host name';
  const name = host.replace(/:\d+$/, '').replace(/\.$/, '');
  // WHATWG URL reads a name whose labels are all numbers (decimal, octal, hex) as an IPv4 address.
  const numeric = name.split('.').every((label) => /^(0x[0-9a-f]*|\d+)$/i.test(label));
  if (numeric && !DOTTED_QUAD.test(name)) return 'a numeric host form';
  return undefined;
}

/**
 * What the egress policy will say about a whole-host value before anything is sent to it, for a
 * value stored ahead of time (a `current_host` endpoint): its shape, then what the URL alone
 * decides — an IP address is refused unless the allow list names it. Names are resolved only
 * when a request goes, so a name that resolves to a private address is refused then.
 */
export function hostValueProblem(host: string, allow: EgressAllowList): string | undefined {
  const shape = hostShapeProblem(host);
  if (shape !== undefined) return shape;
  let url: URL;
  try {
    url = new URL(`https://${host}/`);
  } catch {
    return 'not a valid host';
  }
  const checked = checkUrl(url.href, allow);
  return checked.ok ? undefined : checked.refusal.message;
}
