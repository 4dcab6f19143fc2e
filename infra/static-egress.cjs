// @ts-check
// Static egress (issue 21): with `--param staticEgress=true` the functions that call providers
// or the app's webhook run in private subnets whose only way out is a NAT gateway with an
// Elastic IP, so every such call leaves from a fixed address the stack publishes (output
// EgressIps; `npm run hs -- egress-ips --stage <name>`). Without it this file adds nothing and
// every function's `vpc` is `false`: the template is exactly what it is without this file.
// serverless.yml reads `${file(./infra/static-egress.cjs):vpc.<function>}` and `:resources`.
const { execFileSync } = require('node:child_process');
const { join, resolve } = require('node:path');
const { integrationNames } = require('./app-model.cjs');
const { ownNetwork } = require('./static-egress-network.cjs');
const { CALLS_OUT, PARAM, parseOptions } = require('./static-egress-options.cjs');

const root = resolve(__dirname, '..');

/** @typedef {Record<string, unknown>} Json */
/** @typedef {import('./static-egress-options.cjs').Network} Network */
/** @typedef {{ readonly vpcId: Json | string, readonly subnetIds: readonly (Json | string)[], readonly natGatewayIds?: readonly Json[] | undefined, readonly ips?: readonly Json[] | undefined, readonly resources: Record<string, Json> }} Placement */

/** `refreshWorker` → `RefreshWorker`: how serverless and infra/roles.yml name its resources. */
const pascal = (/** @type {string} */ name) => name[0]?.toUpperCase() + name.slice(1);

/**
 * The security group's outbound rules from HANDSHAKE_EGRESS_ALLOW, read by lib/egress's own
 * parser (tools/egress-rules.ts), so that the group and the policy never read it differently.
 * @param {NodeJS.ProcessEnv} env @returns {Json[]}
 */
function egressRules(env) {
  try {
    const out = execFileSync(
      join(root, 'node_modules', '.bin', 'tsx'),
      [join(root, 'tools', 'egress-rules.ts')],
      {
        cwd: root,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return JSON.parse(out).rules;
  } catch (error) {
    const stdout = /** @type {{ stdout?: string | Buffer }} */ (error).stdout;
    throw new Error(stdout ? stdout.toString() : String(error));
  }
}

/**
 * What Lambda needs to place a function's network interfaces (its documented minimum): the
 * two Describe calls exist only on `*`; creating is confined to this placement's subnets and
 * group; deleting and (un)assigning addresses to this account's and region's resources, as
 * Lambda's guide requires for DeleteNetworkInterface. Attached to the calling functions'
 * roles only, and each of them waits for it (a function in a VPC cannot be created before).
 * @param {Placement} placement @returns {Json}
 */
function eniPolicy(placement) {
  // Fn::Join, not Fn::Sub: serverless would read `${…}` as one of its variables.
  const arn = (/** @type {string} */ kind, /** @type {Json | string} */ id) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ec2:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${kind}/`,
        id,
      ],
    ],
  });
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: {
      Description: 'Lambda network interfaces in the static-egress subnets',
      Roles: CALLS_OUT.map((name) => ({ Ref: `${pascal(name)}Role` })),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: ['ec2:CreateNetworkInterface'],
            Resource: [
              arn('network-interface', '*'),
              ...placement.subnetIds.map((id) => arn('subnet', id)),
              arn('security-group', { Ref: 'EgressSecurityGroup' }),
            ],
          },
          {
            Effect: 'Allow',
            Action: [
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            Resource: arn('*', '*'),
          },
        ],
      },
    },
  };
}

/** @param {Network} network @param {string} stage @returns {Placement} */
function placementOf(network, stage) {
  if ('existing' in network) return { ...network.existing, resources: {} };
  return ownNetwork(network.own, stage, integrationNames().length > 0);
}

/** @param {Placement} placement @returns {Json} */
function outputs(placement) {
  const join = (/** @type {readonly (Json | string)[]} */ items) => ({ 'Fn::Join': [',', items] });
  return {
    ...(placement.ips
      ? {
          EgressIps: {
            Description: 'The addresses every call to a provider leaves from',
            Value: join(placement.ips),
          },
        }
      : {}),
    ...(placement.natGatewayIds ? { EgressNatGatewayIds: { Value: join(placement.natGatewayIds) } } : {}),
    EgressVpcId: { Value: placement.vpcId },
    EgressSubnetIds: {
      Description: 'The private subnets the calling functions run in',
      Value: join(placement.subnetIds),
    },
    EgressSecurityGroupId: { Value: { Ref: 'EgressSecurityGroup' } },
  };
}

/**
 * The template's part: the `vpc` of each function that calls out (false for all when off;
 * the others have none) and the resources.
 * @param {{ readonly stage: string, readonly params: Readonly<Record<string, string | undefined>>, readonly env: NodeJS.ProcessEnv }} input
 */
function staticEgressTemplate({ stage, params, env }) {
  const network = parseOptions(params);
  if (network === undefined)
    return { vpc: Object.fromEntries(CALLS_OUT.map((name) => [name, false])), resources: {} };
  const placement = placementOf(network, stage);
  const vpc = { securityGroupIds: [{ Ref: 'EgressSecurityGroup' }], subnetIds: placement.subnetIds };
  return {
    vpc: Object.fromEntries(CALLS_OUT.map((name) => [name, vpc])),
    resources: {
      Resources: {
        ...placement.resources,
        EgressSecurityGroup: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: `handshake-${stage}: the functions that call out; outbound https and the egress allow list only`,
            VpcId: placement.vpcId,
            SecurityGroupEgress: egressRules(env),
            Tags: [{ Key: 'Name', Value: `handshake-${stage}-egress-functions` }],
          },
        },
        EgressEniPolicy: eniPolicy(placement),
      },
      Outputs: outputs(placement),
      extensions: Object.fromEntries(
        CALLS_OUT.map((name) => [`${pascal(name)}LambdaFunction`, { DependsOn: ['EgressEniPolicy'] }]),
      ),
    },
  };
}

/** @param {(address: string) => Promise<unknown>} resolveVariable @returns {Promise<Record<string, string | undefined>>} */
async function readParams(resolveVariable) {
  const entries = await Promise.all(
    Object.values(PARAM).map(async (name) => [name, await resolveVariable(`param:${name}, null`)]),
  );
  return Object.fromEntries(
    entries
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * serverless's variable source: called with its resolver for each `${file(…):…}` reference.
 * @param {{ resolveVariable: (address: string) => Promise<unknown> }} serverless
 */
module.exports = async ({ resolveVariable }) =>
  staticEgressTemplate({
    stage: String(await resolveVariable('sls:stage')),
    params: await readParams(resolveVariable),
    env: process.env,
  });

module.exports.staticEgressTemplate = staticEgressTemplate;
module.exports.CALLS_OUT = CALLS_OUT;
