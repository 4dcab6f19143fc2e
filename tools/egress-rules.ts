/**
 * The outbound rules of the static-egress security group (issue 21), from the same egress
 * allow list the functions enforce (lib/egress's parser, so both read one syntax). The egress
 * policy stays what confines a destination; the group only narrows the ports a function can
 * open at all. infra/static-egress.cjs runs this file at package time and reads the JSON it
 * prints: `{ "rules": [...], "skipped": [...] }`, or a ConfigError's message and exit 1.
 */
import { ConfigError, egressAllowEntries } from '../lib/config';
import type { AllowedRange } from '../lib/egress/allow-list';
import { parseAllowList } from '../lib/egress/allow-list';

export interface EgressRule {
  readonly IpProtocol: 'tcp';
  readonly FromPort: number;
  readonly ToPort: number;
  readonly CidrIp: string;
  readonly Description: string;
}

export interface EgressRules {
  readonly rules: readonly EgressRule[];
  /** Allow-list entries no rule can serve from the VPC, and why. */
  readonly skipped: readonly string[];
}

/** Security groups take 60 outbound rules by default; past that the deploy would fail. */
export const MAX_RULES = 60;
const ANYWHERE = '0.0.0.0/0';
const HTTPS = 443;
/** A host name without a port is allowed for plain http: its URL's default port. */
const HTTP = 80;

const rule = (port: number | undefined, cidr: string, description: string): EgressRule => ({
  IpProtocol: 'tcp',
  FromPort: port ?? 0,
  ToPort: port ?? 65535,
  CidrIp: cidr,
  Description: description,
});

/** `10.0.0.5/16` → `10.0.0.0/16`: EC2 takes a range by its network address only. */
function ipv4Network(range: AllowedRange): string {
  const masked = Array.from(range.network.bytes, (byte, index) => {
    const bits = Math.min(8, Math.max(0, range.prefix - index * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
  return `${masked.join('.')}/${range.prefix}`;
}

const isLoopback = (range: AllowedRange): boolean => range.network.bytes[0] === 127;

export function egressRules(entries: readonly string[]): EgressRules {
  const list = parseAllowList(entries);
  const rules = new Map<string, EgressRule>();
  const add = (value: EgressRule) => rules.set(`${value.FromPort}-${value.ToPort} ${value.CidrIp}`, value);
  const skipped: string[] = [];
  add(rule(HTTPS, ANYWHERE, 'https to providers; the egress policy confines the destination'));
  for (const name of list.names) {
    if (name.host === 'localhost') {
      skipped.push(`${name.host}: a function's own loopback needs no rule`);
      continue;
    }
    add(rule(name.port ?? HTTP, ANYWHERE, `HANDSHAKE_EGRESS_ALLOW ${name.host}`));
  }
  for (const range of list.ranges) {
    const label = `${range.network.kind() === 'ipv4' ? ipv4Network(range) : 'an IPv6 range'}`;
    if (range.network.kind() !== 'ipv4') skipped.push(`${label}: the VPC has no IPv6 route`);
    else if (isLoopback(range)) skipped.push(`${label}: a function's own loopback needs no rule`);
    else add(rule(range.port, ipv4Network(range), `HANDSHAKE_EGRESS_ALLOW ${ipv4Network(range)}`));
  }
  if (rules.size > MAX_RULES) {
    throw new ConfigError(
      'HANDSHAKE_EGRESS_ALLOW',
      `needs ${rules.size} security group rules with static egress, more than the ${MAX_RULES} a group takes; name ranges (CIDR) instead of single hosts`,
    );
  }
  return { rules: [...rules.values()], skipped };
}

function main(): number {
  try {
    process.stdout.write(JSON.stringify(egressRules(egressAllowEntries(process.env))));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stdout.write(error.message);
    return 1;
  }
}

if (process.argv[1]?.endsWith('egress-rules.ts')) process.exitCode = main();
