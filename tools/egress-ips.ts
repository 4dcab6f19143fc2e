/**
 * `npm run -s egress-ips -- --stage <name>`: the fixed addresses a stage deployed with
 * `--param staticEgress=true` calls providers from, one a line, for a customer's allow list.
 * They are read where the traffic really goes — each private subnet's default route, its NAT
 * gateway, that gateway's public address — so the answer holds for a VPC of one's own and for
 * Elastic IPs of one's own too; the stack's EgressIps output, where it has one, must agree.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { fail, parseCommandLine, runScript, type Usage } from './cli';
import { DEFAULT_REGION } from './secret-store';

const USAGE: Usage = {
  name: 'npm run egress-ips',
  synopsis: ['npm run -s egress-ips -- --stage <name> [--region <region>] [--json]'],
  description: [
    "Prints the public addresses a stage's calls to providers and to the webhook leave from, one a",
    'line: what a customer puts on its allow list. The stage must have been deployed with',
    '--param staticEgress=true (docs/deploy.md, "Static outgoing IPs").',
  ].join('\n'),
  options: [
    ['--stage <name>', 'the deployed stage (its stack is handshake-<name>)'],
    ['--region <region>', `its AWS region (default $AWS_REGION, else ${DEFAULT_REGION})`],
    ['--json', 'a JSON array of {subnet, natGateway, ip} instead'],
  ],
  environment: [['AWS_REGION, AWS_PROFILE, AWS_…', 'the region and credentials of the stage']],
  exitStatus: [
    ['0', 'the addresses were printed'],
    [
      '1',
      'the stage has no static egress, or a subnet does not route through a NAT gateway (stderr says which)',
    ],
    ['2', 'the command line is wrong'],
  ],
  examples: ['npm run -s egress-ips -- --stage prod --region eu-west-1'],
};

export interface EgressRoute {
  readonly subnet: string;
  readonly natGateway: string;
  readonly ip: string;
}

export interface EgressClients {
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly ec2: Pick<EC2Client, 'send'>;
}

export class EgressLookupError extends Error {}

async function stackOutputs(clients: EgressClients, stack: string): Promise<Map<string, string>> {
  let answer: DescribeStacksCommandOutput;
  try {
    answer = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    // CloudFormation's answer for a stack it does not know.
    if ((error as { name?: string }).name === 'ValidationError')
      throw new EgressLookupError(`there is no stack ${stack} in this region: check --stage and --region`);
    throw error;
  }
  const outputs = answer.Stacks?.[0]?.Outputs ?? [];
  return new Map(
    outputs.flatMap((output) =>
      output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [],
    ),
  );
}

/** The route table a subnet uses: its own association, else its VPC's main table. */
function tableOf(subnet: string, tables: readonly RouteTable[]): RouteTable | undefined {
  const own = tables.find((table) =>
    table.Associations?.some((association) => association.SubnetId === subnet),
  );
  return own ?? tables.find((table) => table.Associations?.some((association) => association.Main === true));
}

/** Each private subnet's way out, from the stack's outputs and EC2. */
async function egressRoutes(
  clients: EgressClients,
  stack: string,
  outputs: ReadonlyMap<string, string>,
): Promise<EgressRoute[]> {
  const subnets = outputs.get('EgressSubnetIds')?.split(',') ?? [];
  const vpc = outputs.get('EgressVpcId');
  if (subnets.length === 0 || vpc === undefined)
    throw new EgressLookupError(
      `the stack ${stack} has no static egress: deploy it with --param staticEgress=true`,
    );
  const { RouteTables: tables = [] } = await clients.ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }),
  );
  const natOf = new Map<string, string>();
  for (const subnet of subnets) {
    const route = tableOf(subnet, tables)?.Routes?.find(
      (entry) => entry.DestinationCidrBlock === '0.0.0.0/0',
    );
    if (route?.NatGatewayId === undefined)
      throw new EgressLookupError(
        `subnet ${subnet} sends 0.0.0.0/0 to ${route?.GatewayId ?? route?.TransitGatewayId ?? 'nowhere'}, not to a NAT gateway: its address is not fixed by this account`,
      );
    natOf.set(subnet, route.NatGatewayId);
  }
  const { NatGateways: nats = [] } = await clients.ec2.send(
    new DescribeNatGatewaysCommand({ NatGatewayIds: [...new Set(natOf.values())] }),
  );
  const ipOf = new Map(
    nats.map((nat) => [
      nat.NatGatewayId,
      nat.NatGatewayAddresses?.find((address) => address.PublicIp)?.PublicIp,
    ]),
  );
  return subnets.map((subnet) => {
    const natGateway = natOf.get(subnet) ?? '';
    const ip = ipOf.get(natGateway);
    if (ip === undefined)
      throw new EgressLookupError(
        `NAT gateway ${natGateway} has no public address (is it a private NAT gateway?)`,
      );
    return { subnet, natGateway, ip };
  });
}

/** The addresses, each once, checked against the stack's EgressIps output where it has one. */
export async function egressIps(
  clients: EgressClients,
  stack: string,
): Promise<{ ips: string[]; routes: EgressRoute[] }> {
  const outputs = await stackOutputs(clients, stack);
  const routes = await egressRoutes(clients, stack, outputs);
  const ips = [...new Set(routes.map((route) => route.ip))].sort();
  const published = outputs.get('EgressIps');
  if (published !== undefined && published.split(',').sort().join(',') !== ips.join(',')) {
    throw new EgressLookupError(
      `the stack publishes ${published} but its subnets route through ${ips.join(',')}`,
    );
  }
  return { ips, routes };
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: { stage: { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean' } },
    maxPositionals: 0,
  });
  if (values.stage === undefined) fail(USAGE, '--stage is required: which deployed stage?', 2);
  const region = values.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
  const clients = { cloudFormation: new CloudFormationClient({ region }), ec2: new EC2Client({ region }) };
  try {
    const { ips, routes } = await egressIps(clients, `handshake-${values.stage}`);
    process.stdout.write(
      values.json === true ? `${JSON.stringify(routes, null, 2)}\n` : `${ips.join('\n')}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof EgressLookupError) fail(USAGE, error.message);
    throw error;
  }
}

if (process.argv[1]?.endsWith('egress-ips.ts')) runScript(USAGE, main);
