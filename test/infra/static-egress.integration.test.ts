/**
 * Issue 21: `serverless package --stage prod` with and without `--param staticEgress=true`
 * (and its variants: one NAT for three zones with an Elastic IP of one's own and no interface
 * endpoints; a VPC of one's own), and what each template holds — or, without the option, does
 * not hold at all. Every template passes the template check.
 */
import { checkTemplate } from '../../tools/template-check';
import { type PackagedTemplate, packageStack, projectCopy, type Resource } from '../support/package-stack';
import { readServerlessFile } from '../support/serverless-file';

const { CALLS_OUT } = require('../../infra/static-egress.cjs') as { CALLS_OUT: readonly string[] };
const EIP = 'eipalloc-0123456789abcdef0';
const VPC = 'vpc-0123456789abcdef0';
const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
const pascal = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;

let plain: PackagedTemplate;
let egress: PackagedTemplate;
let frugal: PackagedTemplate;
let existing: PackagedTemplate;
let refused: string;

beforeAll(async () => {
  const copy = projectCopy();
  try {
    plain = (await packageStack(copy.dir, 'plain')).template;
    egress = (await packageStack(copy.dir, 'egress', ['--param', 'staticEgress=true'])).template;
    frugal = (
      await packageStack(
        copy.dir,
        'frugal',
        [
          ...[
            '--param',
            'staticEgress=true',
            '--param',
            'staticEgressNat=single',
            '--param',
            'staticEgressAzs=3',
          ],
          ...['--param', 'staticEgressEndpoints=gateway', '--param', `staticEgressEipAllocationIds=${EIP}`],
        ],
        { HANDSHAKE_EGRESS_ALLOW: 'partner.example.com:8443,203.0.113.7/24,localhost:8080' },
      )
    ).template;
    existing = (
      await packageStack(copy.dir, 'existing', [
        ...['--param', 'staticEgress=true', '--param', `staticEgressVpcId=${VPC}`],
        ...['--param', `staticEgressSubnetIds=${SUBNETS.join(',')}`],
      ])
    ).template;
    refused = await packageStack(copy.dir, 'refused', [
      '--param',
      'staticEgress=true',
      '--param',
      'staticEgressNat=two',
    ]).then(
      () => '',
      (error: Error) => error.message,
    );
  } finally {
    copy.remove();
  }
}, 600_000);

const ofType = (template: PackagedTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const lambdas = (template: PackagedTemplate) => Object.fromEntries(ofType(template, 'AWS::Lambda::Function'));
const egressIds = (template: PackagedTemplate) =>
  Object.keys(template.Resources).filter((id) => id.startsWith('Egress'));

/**
 * `with` less what static egress adds — its resources and outputs, each function's
 * VpcConfig and its wait for the ENI policy — with the values that differ from run to run
 * (artifact folders, versions named by a hash of the function's configuration) masked.
 */
function withoutStaticEgress(template: PackagedTemplate): string {
  const copy = structuredClone(template);
  for (const id of egressIds(copy)) delete copy.Resources[id];
  for (const id of Object.keys(copy.Outputs)) if (id.startsWith('Egress')) delete copy.Outputs[id];
  for (const resource of Object.values(copy.Resources) as Resource[]) {
    delete resource.Properties?.VpcConfig;
    if (Array.isArray(resource.DependsOn))
      resource.DependsOn = resource.DependsOn.filter((id) => id !== 'EgressEniPolicy');
  }
  return masked(copy);
}
const masked = (template: PackagedTemplate) =>
  JSON.stringify(template)
    .replace(/LambdaVersion[A-Za-z0-9]+/g, 'LambdaVersion')
    .replace(/"CodeSha256":"[^"]+"/g, '"CodeSha256":""')
    .replace(/serverless\/handshake\/prod\/[^/"]+\//g, 'serverless/handshake/prod/<artifacts>/');

describe('without --param staticEgress', () => {
  it('has no network: no VPC resource, no VpcConfig, no egress output', () => {
    expect(egressIds(plain)).toEqual([]);
    expect(ofType(plain, 'AWS::EC2::VPC')).toEqual([]);
    for (const fn of Object.values(lambdas(plain))) expect(fn.Properties.VpcConfig).toBeUndefined();
    expect(Object.keys(plain.Outputs).filter((id) => id.startsWith('Egress'))).toEqual([]);
  });

  it('is exactly the template with it, less what it adds', () => {
    // toEqual: the same resources and outputs, whatever order serverless wrote them in.
    expect(JSON.parse(withoutStaticEgress(egress))).toEqual(JSON.parse(masked(plain)));
    expect(JSON.parse(withoutStaticEgress(existing))).toEqual(JSON.parse(masked(plain)));
  });
});

describe('with --param staticEgress=true', () => {
  it('builds a VPC with a public and a private subnet in each of two zones', () => {
    expect(ofType(egress, 'AWS::EC2::VPC').map(([, vpc]) => vpc.Properties)).toEqual([
      expect.objectContaining({
        CidrBlock: '10.80.0.0/16',
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
      }),
    ]);
    const subnets = ofType(egress, 'AWS::EC2::Subnet').map(([id, subnet]) => [id, subnet.Properties]);
    expect(Object.fromEntries(subnets)).toEqual({
      EgressPublicSubnet1: expect.objectContaining({
        CidrBlock: '10.80.0.0/18',
        AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      }),
      EgressPublicSubnet2: expect.objectContaining({
        CidrBlock: '10.80.64.0/18',
        AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
      }),
      EgressPrivateSubnet1: expect.objectContaining({
        CidrBlock: '10.80.128.0/18',
        AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      }),
      EgressPrivateSubnet2: expect.objectContaining({
        CidrBlock: '10.80.192.0/18',
        AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
      }),
    });
  });

  it('routes the public subnets to the internet gateway and each private one to its zone’s NAT gateway', () => {
    const routes = Object.fromEntries(
      ofType(egress, 'AWS::EC2::Route').map(([id, route]) => [id, route.Properties]),
    );
    expect(routes).toEqual({
      EgressPublicRoute: {
        RouteTableId: { Ref: 'EgressPublicRouteTable' },
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: { Ref: 'EgressInternetGateway' },
      },
      EgressPrivateRoute1: {
        RouteTableId: { Ref: 'EgressPrivateRouteTable1' },
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: { Ref: 'EgressNatGateway1' },
      },
      EgressPrivateRoute2: {
        RouteTableId: { Ref: 'EgressPrivateRouteTable2' },
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: { Ref: 'EgressNatGateway2' },
      },
    });
    const associations = ofType(egress, 'AWS::EC2::SubnetRouteTableAssociation').map(
      ([, association]) => association.Properties,
    );
    expect(associations).toHaveLength(4);
    expect(associations).toContainEqual({
      SubnetId: { Ref: 'EgressPrivateSubnet2' },
      RouteTableId: { Ref: 'EgressPrivateRouteTable2' },
    });
    expect(ofType(egress, 'AWS::EC2::RouteTable')).toHaveLength(3);
  });

  it('gives each zone a NAT gateway in its public subnet with a retained Elastic IP', () => {
    const nats = Object.fromEntries(
      ofType(egress, 'AWS::EC2::NatGateway').map(([id, nat]) => [id, nat.Properties]),
    );
    expect(nats).toEqual({
      EgressNatGateway1: expect.objectContaining({
        AllocationId: { 'Fn::GetAtt': ['EgressIp1', 'AllocationId'] },
        SubnetId: { Ref: 'EgressPublicSubnet1' },
      }),
      EgressNatGateway2: expect.objectContaining({
        AllocationId: { 'Fn::GetAtt': ['EgressIp2', 'AllocationId'] },
        SubnetId: { Ref: 'EgressPublicSubnet2' },
      }),
    });
    for (const [, ip] of ofType(egress, 'AWS::EC2::EIP')) {
      expect(ip).toMatchObject({
        DeletionPolicy: 'Retain',
        DependsOn: ['EgressInternetGatewayAttachment'],
        Properties: { Domain: 'vpc' },
      });
    }
    expect(ofType(egress, 'AWS::EC2::EIP')).toHaveLength(2);
  });

  it('keeps DynamoDB, Secrets Manager and SQS traffic off the NAT with endpoints', () => {
    const endpoints = Object.fromEntries(
      ofType(egress, 'AWS::EC2::VPCEndpoint').map(([id, endpoint]) => [id, endpoint.Properties]),
    );
    const privateSubnets = [{ Ref: 'EgressPrivateSubnet1' }, { Ref: 'EgressPrivateSubnet2' }];
    expect(endpoints).toEqual({
      EgressDynamoDbEndpoint: expect.objectContaining({
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
        RouteTableIds: [{ Ref: 'EgressPrivateRouteTable1' }, { Ref: 'EgressPrivateRouteTable2' }],
      }),
      EgressSecretsManagerEndpoint: expect.objectContaining({
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: privateSubnets,
      }),
      EgressSqsEndpoint: expect.objectContaining({
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: privateSubnets,
      }),
    });
    expect(egress.Resources.EgressEndpointSecurityGroup?.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { Ref: 'EgressSecurityGroup' },
      }),
    ]);
  });

  it('lets the functions’ security group send https only, and take nothing in', () => {
    const group = egress.Resources.EgressSecurityGroup?.Properties;
    expect(group?.SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
    ]);
    expect(group?.SecurityGroupIngress).toBeUndefined();
    expect(group?.VpcId).toEqual({ Ref: 'EgressVpc' });
  });

  it('places exactly the functions that call out in the private subnets; health and connect stay outside', () => {
    const placed = Object.entries(lambdas(egress)).filter(([, fn]) => fn.Properties.VpcConfig !== undefined);
    expect(placed.map(([id]) => id).sort()).toEqual(
      CALLS_OUT.map((name) => `${pascal(name)}LambdaFunction`).sort(),
    );
    expect(lambdas(egress).HealthLambdaFunction?.Properties.VpcConfig).toBeUndefined();
    expect(lambdas(egress).ConnectLambdaFunction?.Properties.VpcConfig).toBeUndefined();
    for (const [, fn] of placed) {
      expect(fn.Properties.VpcConfig).toEqual({
        SecurityGroupIds: [{ Ref: 'EgressSecurityGroup' }],
        SubnetIds: [{ Ref: 'EgressPrivateSubnet1' }, { Ref: 'EgressPrivateSubnet2' }],
      });
      expect(fn.DependsOn).toContain('EgressEniPolicy');
    }
    // Every function of serverless.yml is either placed or known not to call out.
    expect(
      Object.keys(readServerlessFile().functions)
        .filter((name) => !CALLS_OUT.includes(name))
        .sort(),
    ).toEqual(['connect', 'health']);
  });

  it('grants the network-interface actions to the placed functions’ roles only, confined where EC2 allows', () => {
    const policy = egress.Resources.EgressEniPolicy;
    expect(policy?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy?.Properties.Roles).toEqual(CALLS_OUT.map((name) => ({ Ref: `${pascal(name)}Role` })));
    const document = policy?.Properties.PolicyDocument as
      | { Statement: Array<{ Action: string[]; Resource: unknown }> }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements.flatMap((statement) => statement.Action).sort()).toEqual([
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:UnassignPrivateIpAddresses',
    ]);
    for (const statement of statements) {
      if (statement.Resource === '*')
        expect(statement.Action.every((action) => action.startsWith('ec2:Describe'))).toBe(true);
    }
    const create = statements.find((statement) => statement.Action.includes('ec2:CreateNetworkInterface'));
    expect(JSON.stringify(create?.Resource)).toContain('EgressPrivateSubnet1');
    expect(JSON.stringify(create?.Resource)).toContain('EgressSecurityGroup');
    expect(JSON.stringify(create?.Resource)).not.toContain('EgressPublicSubnet');
    // The roles themselves keep no EC2 action.
    for (const [, role] of ofType(egress, 'AWS::IAM::Role'))
      expect(JSON.stringify(role)).not.toContain('ec2:');
  });

  it('outputs the Elastic IPs, the NAT gateways, the VPC, its private subnets and the group', () => {
    expect(egress.Outputs).toMatchObject({
      EgressIps: { Value: { 'Fn::Join': [',', [{ Ref: 'EgressIp1' }, { Ref: 'EgressIp2' }]] } },
      EgressNatGatewayIds: {
        Value: { 'Fn::Join': [',', [{ Ref: 'EgressNatGateway1' }, { Ref: 'EgressNatGateway2' }]] },
      },
      EgressVpcId: { Value: { Ref: 'EgressVpc' } },
      EgressSubnetIds: {
        Value: { 'Fn::Join': [',', [{ Ref: 'EgressPrivateSubnet1' }, { Ref: 'EgressPrivateSubnet2' }]] },
      },
      EgressSecurityGroupId: { Value: { Ref: 'EgressSecurityGroup' } },
    });
  });
});

describe('with one NAT for three zones, an address of one’s own, gateway endpoints and an allow list', () => {
  it('routes all three private subnets to the one NAT gateway, which takes the given address', () => {
    expect(ofType(frugal, 'AWS::EC2::Subnet')).toHaveLength(6);
    expect(ofType(frugal, 'AWS::EC2::EIP')).toEqual([]);
    expect(
      ofType(frugal, 'AWS::EC2::NatGateway').map(([id, nat]) => [id, nat.Properties.AllocationId]),
    ).toEqual([['EgressNatGateway1', EIP]]);
    const routes = ofType(frugal, 'AWS::EC2::Route').filter(([id]) => id.startsWith('EgressPrivateRoute'));
    expect(routes.map(([, route]) => route.Properties.NatGatewayId)).toEqual(
      Array(3).fill({ Ref: 'EgressNatGateway1' }),
    );
    expect(frugal.Outputs.EgressIps).toBeUndefined();
    expect(frugal.Outputs.EgressNatGatewayIds).toBeDefined();
  });

  it('keeps only the free DynamoDB endpoint', () => {
    expect(ofType(frugal, 'AWS::EC2::VPCEndpoint').map(([id]) => id)).toEqual(['EgressDynamoDbEndpoint']);
    expect(frugal.Resources.EgressEndpointSecurityGroup).toBeUndefined();
  });

  it('opens what the egress allow list names, besides https, and no more', () => {
    const rules = frugal.Resources.EgressSecurityGroup?.Properties.SecurityGroupEgress as Array<
      Record<string, unknown>
    >;
    expect(rules.map(({ FromPort, ToPort, CidrIp }) => ({ FromPort, ToPort, CidrIp }))).toEqual([
      { FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
      { FromPort: 8443, ToPort: 8443, CidrIp: '0.0.0.0/0' },
      { FromPort: 0, ToPort: 65535, CidrIp: '203.0.113.0/24' },
    ]);
  });
});

describe('with a VPC of one’s own', () => {
  it('creates only the group and the policy, in the given VPC and subnets', () => {
    expect(egressIds(existing).sort()).toEqual(['EgressEniPolicy', 'EgressSecurityGroup']);
    expect(existing.Resources.EgressSecurityGroup?.Properties.VpcId).toBe(VPC);
    expect(lambdas(existing).InvokeLambdaFunction?.Properties.VpcConfig).toEqual({
      SecurityGroupIds: [{ Ref: 'EgressSecurityGroup' }],
      SubnetIds: SUBNETS,
    });
    expect(JSON.stringify(existing.Resources.EgressEniPolicy)).toContain(SUBNETS[1]);
    expect(existing.Outputs).toMatchObject({
      EgressVpcId: { Value: VPC },
      EgressSubnetIds: { Value: { 'Fn::Join': [',', SUBNETS] } },
    });
    expect(existing.Outputs.EgressIps).toBeUndefined();
  });
});

describe('every variant', () => {
  it('passes the template check', () => {
    for (const template of [plain, egress, frugal, existing]) expect(checkTemplate(template)).toEqual([]);
  });

  it('stops packaging at a wrong option, saying what is allowed', () => {
    expect(refused).toContain('--param staticEgressNat is "two"; allowed: per-az, single');
  });
});
