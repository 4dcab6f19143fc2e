/**
 * tools/egress-ips.ts against CloudFormation and EC2 stubbed with aws-sdk-client-mock (no AWS
 * here): the addresses of a stack-made VPC, of a VPC of one's own whose subnets use its main
 * route table, and the refusals — no static egress, a route that is not a NAT, an output that
 * disagrees with the routes.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeNatGatewaysCommand, DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { egressIps } from '../../tools/egress-ips';

const cloudFormation = mockClient(CloudFormationClient);
const ec2 = mockClient(EC2Client);
const clients = { cloudFormation: new CloudFormationClient({}), ec2: new EC2Client({}) };

const outputs = (values: Record<string, string>) =>
  cloudFormation.on(DescribeStacksCommand, { StackName: 'handshake-prod' }).resolves({
    Stacks: [
      {
        StackName: 'handshake-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
const nats = { 'nat-1': '203.0.113.10', 'nat-2': '203.0.113.11' };

beforeEach(() => {
  cloudFormation.reset();
  ec2.reset();
  ec2.on(DescribeNatGatewaysCommand).callsFake((input: { NatGatewayIds: string[] }) => ({
    NatGateways: input.NatGatewayIds.map((id) => ({
      NatGatewayId: id,
      NatGatewayAddresses: [{ PublicIp: nats[id as keyof typeof nats] }],
    })),
  }));
});

describe('egress-ips', () => {
  it('follows each private subnet to its NAT gateway and its address, and agrees with EgressIps', async () => {
    outputs({
      EgressVpcId: 'vpc-1',
      EgressSubnetIds: 'subnet-a,subnet-b',
      EgressIps: '203.0.113.11,203.0.113.10',
    });
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }).resolves({
      RouteTables: [
        {
          Associations: [{ SubnetId: 'subnet-a' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }],
        },
        {
          Associations: [{ SubnetId: 'subnet-b' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-2' }],
        },
        {
          Associations: [{ SubnetId: 'subnet-public' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }],
        },
      ],
    });
    const { ips, routes } = await egressIps(clients, 'handshake-prod');
    expect(ips).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(routes).toEqual([
      { subnet: 'subnet-a', natGateway: 'nat-1', ip: '203.0.113.10' },
      { subnet: 'subnet-b', natGateway: 'nat-2', ip: '203.0.113.11' },
    ]);
  });

  it('reads a subnet without a table of its own through the VPC’s main table, one address for both', async () => {
    outputs({ EgressVpcId: 'vpc-own', EgressSubnetIds: 'subnet-a,subnet-b' });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }],
        },
      ],
    });
    expect((await egressIps(clients, 'handshake-prod')).ips).toEqual(['203.0.113.10']);
  });

  it('says so when the stage has no static egress', async () => {
    outputs({ TableName: 'handshake-prod' });
    await expect(egressIps(clients, 'handshake-prod')).rejects.toThrow(
      'has no static egress: deploy it with --param staticEgress=true',
    );
  });

  it('says which stack it did not find, and what to check', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id handshake-prod does not exist'), { name: 'ValidationError' }),
      );
    await expect(egressIps(clients, 'handshake-prod')).rejects.toThrow(
      'there is no stack handshake-prod in this region: check --stage and --region',
    );
  });

  it('refuses a subnet whose way out is not a NAT gateway', async () => {
    outputs({ EgressVpcId: 'vpc-own', EgressSubnetIds: 'subnet-a' });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          Associations: [{ SubnetId: 'subnet-a' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-1' }],
        },
      ],
    });
    await expect(egressIps(clients, 'handshake-prod')).rejects.toThrow(
      'subnet subnet-a sends 0.0.0.0/0 to tgw-1, not to a NAT gateway',
    );
  });

  it('refuses an EgressIps output the routes do not bear out', async () => {
    outputs({ EgressVpcId: 'vpc-1', EgressSubnetIds: 'subnet-a', EgressIps: '198.51.100.1' });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          Associations: [{ SubnetId: 'subnet-a' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' }],
        },
      ],
    });
    await expect(egressIps(clients, 'handshake-prod')).rejects.toThrow(
      'publishes 198.51.100.1 but its subnets route through 203.0.113.10',
    );
  });
});
