// @ts-check
// Static egress's deploy options (`--param …`, docs/deploy.md "Static outgoing IPs"), checked
// before anything is generated: a wrong value stops `serverless package` with what is allowed.
/**
 * The functions that open connections to the outside: token and revocation endpoints, the
 * app's request templates, issuer metadata, the webhook. health and connect never do (the
 * connect page only redirects), so they stay outside the VPC.
 */
const CALLS_OUT = [
  'invoke',
  'callback',
  'refresh',
  'refreshWorker',
  'refreshNow',
  'deliver',
  'installations',
  'console',
];
/** The `--param` names, documented in docs/deploy.md ("Static outgoing IPs"). */
const PARAM = {
  enabled: 'staticEgress',
  nat: 'staticEgressNat',
  azs: 'staticEgressAzs',
  cidr: 'staticEgressCidr',
  endpoints: 'staticEgressEndpoints',
  eips: 'staticEgressEipAllocationIds',
  vpcId: 'staticEgressVpcId',
  subnetIds: 'staticEgressSubnetIds',
};
const DEFAULTS = { nat: 'per-az', azs: 2, cidr: '10.80.0.0/16', endpoints: 'interface' };
const AZS = { min: 2, max: 3 };

/** @typedef {Record<string, unknown>} Json */
/** @typedef {{ readonly [name: string]: string | undefined }} Params */
/**
 * @typedef {{
 *   readonly nat: 'per-az' | 'single', readonly azs: number, readonly cidr: string,
 *   readonly prefix: number, readonly endpoints: 'interface' | 'gateway',
 *   readonly eips: readonly string[] | undefined,
 * }} OwnVpc
 * @typedef {{ readonly vpcId: string, readonly subnetIds: readonly string[] }} ExistingVpc
 * @typedef {{ readonly own: OwnVpc } | { readonly existing: ExistingVpc }} Network
 */

/** @param {string} name @param {string} problem */
const invalid = (name, problem) =>
  new Error(`--param ${name} ${problem} (docs/deploy.md, "Static outgoing IPs")`);

/** @param {string | undefined} raw */
const list = (raw) =>
  raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');

/** @param {string} name @param {readonly string[] | undefined} items @param {RegExp} shape @param {string} what */
function ids(name, items, shape, what) {
  for (const item of items ?? [])
    if (!shape.test(item)) throw invalid(name, `has "${item}", which is not ${what}`);
  return items;
}

/** @param {Params} params @returns {OwnVpc} */
function ownVpc(params) {
  const nat = params[PARAM.nat] ?? DEFAULTS.nat;
  if (nat !== 'per-az' && nat !== 'single') throw invalid(PARAM.nat, `is "${nat}"; allowed: per-az, single`);
  const rawAzs = params[PARAM.azs] ?? String(DEFAULTS.azs);
  const azs = /^\d$/.test(rawAzs) ? Number(rawAzs) : 0;
  if (azs < AZS.min || azs > AZS.max)
    throw invalid(PARAM.azs, `is "${rawAzs}"; allowed: ${AZS.min} to ${AZS.max}`);
  const cidr = params[PARAM.cidr] ?? DEFAULTS.cidr;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const prefix = Number(match?.[5]);
  if (match === null || match.slice(1, 5).some((octet) => Number(octet) > 255) || prefix < 16 || prefix > 24)
    throw invalid(PARAM.cidr, `is "${cidr}"; allowed: an IPv4 range from /16 to /24, e.g. ${DEFAULTS.cidr}`);
  const endpoints = params[PARAM.endpoints] ?? DEFAULTS.endpoints;
  if (endpoints !== 'interface' && endpoints !== 'gateway')
    throw invalid(PARAM.endpoints, `is "${endpoints}"; allowed: interface, gateway`);
  const eips = ids(PARAM.eips, list(params[PARAM.eips]), /^eipalloc-[0-9a-f]{8,17}$/, 'an allocation id');
  const nats = nat === 'single' ? 1 : azs;
  if (eips !== undefined && eips.length !== nats)
    throw invalid(
      PARAM.eips,
      `names ${eips.length} address${eips.length === 1 ? '' : 'es'} for ${nats} NAT gateway${nats > 1 ? 's' : ''}`,
    );
  return { nat, azs, cidr, prefix, endpoints, eips };
}

/**
 * The options, checked; undefined when static egress is off. A VPC of one's own is named by
 * both its id and its private subnets; the stack's own VPC takes the other options.
 * @param {Params} params
 * @returns {Network | undefined}
 */
function parseOptions(params) {
  const enabled = params[PARAM.enabled] ?? 'false';
  if (enabled !== 'true' && enabled !== 'false')
    throw invalid(PARAM.enabled, `is "${enabled}"; allowed: true, false`);
  const given = Object.values(PARAM).filter((name) => name !== PARAM.enabled && params[name] !== undefined);
  if (enabled === 'false') {
    if (given.length > 0) throw invalid(given[0] ?? '', `needs --param ${PARAM.enabled}=true`);
    return undefined;
  }
  const vpcId = params[PARAM.vpcId];
  const subnetIds = ids(
    PARAM.subnetIds,
    list(params[PARAM.subnetIds]),
    /^subnet-[0-9a-f]{8,17}$/,
    'a subnet id',
  );
  if (vpcId === undefined && subnetIds === undefined) return { own: ownVpc(params) };
  if (vpcId === undefined || subnetIds === undefined || subnetIds.length === 0)
    throw invalid(
      vpcId === undefined ? PARAM.vpcId : PARAM.subnetIds,
      `is needed with --param ${vpcId === undefined ? PARAM.subnetIds : PARAM.vpcId}`,
    );
  ids(PARAM.vpcId, [vpcId], /^vpc-[0-9a-f]{8,17}$/, 'a VPC id');
  const own = given.filter((name) => name !== PARAM.vpcId && name !== PARAM.subnetIds);
  if (own.length > 0)
    throw invalid(own[0] ?? '', `is for the VPC the stack creates, not with --param ${PARAM.vpcId}`);
  return { existing: { vpcId, subnetIds } };
}

module.exports = { CALLS_OUT, PARAM, parseOptions };
