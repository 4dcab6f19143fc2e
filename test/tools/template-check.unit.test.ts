/**
 * tools/template-check.ts on small templates: what it takes, and each kind of mistake it must
 * name — the checks test/infra/*.integration.test.ts rely on when they find no problem.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { checkTemplate, LIMITS, type Template } from '../../tools/template-check';

const db = loadAwsServiceSpecSync();

type Editable = Template & {
  Resources: Record<
    'Vpc' | 'Ip' | 'Subnet' | 'Nat' | 'Group',
    { Type: string; Properties: Record<string, unknown> }
  >;
};

const valid = (): Template => ({
  Parameters: { Stage: { Type: 'String' } },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: 'true' } },
    Ip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc', Tags: [{ Key: 'Name', Value: 'x' }] } },
    Subnet: {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: { Ref: 'Vpc' },
        CidrBlock: '10.0.0.0/24',
        AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      },
    },
    Nat: {
      Type: 'AWS::EC2::NatGateway',
      DependsOn: ['Ip'],
      Properties: { AllocationId: { 'Fn::GetAtt': ['Ip', 'AllocationId'] }, SubnetId: { Ref: 'Subnet' } },
    },
    Group: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
        GroupDescription: { 'Fn::Sub': ['${Stage} in ${AWS::Region} ${X}', { X: 'y' }] },
        SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: '443', CidrIp: '0.0.0.0/0' }],
      },
    },
  },
  Outputs: { Address: { Value: { Ref: 'Ip' } } },
});

const mutated = (change: (template: Editable) => void) => {
  const template = valid() as Editable;
  change(template);
  return checkTemplate(template, db);
};

describe('checkTemplate', () => {
  it('takes a valid template, intrinsics, pseudo parameters and CloudFormation’s string forms', () => {
    expect(checkTemplate(valid(), db)).toEqual([]);
  });

  it.each([
    [
      'an unknown resource type',
      (t) => {
        t.Resources.Vpc = { Type: 'AWS::EC2::Vpcc', Properties: {} } as never;
      },
      'Resources.Vpc: no resource type AWS::EC2::Vpcc',
    ],
    [
      'an unknown property',
      (t) => {
        t.Resources.Ip.Properties.Tag = [];
      },
      'Resources.Ip.Properties: Tag is not a property here',
    ],
    [
      'a missing required property',
      (t) => {
        delete t.Resources.Subnet.Properties.VpcId;
      },
      'Resources.Subnet.Properties: VpcId is required',
    ],
    [
      'a wrong type',
      (t) => {
        t.Resources.Group.Properties.SecurityGroupEgress = [
          { IpProtocol: 'tcp', FromPort: 'https', CidrIp: '0.0.0.0/0' },
        ];
      },
      'SecurityGroupEgress[0].FromPort: a number is expected, not "https"',
    ],
    [
      'a nested required property',
      (t) => {
        t.Resources.Group.Properties.SecurityGroupEgress = [{ FromPort: 443 }];
      },
      'SecurityGroupEgress[0]: IpProtocol is required',
    ],
    [
      'a tag without its value',
      (t) => {
        t.Resources.Ip.Properties.Tags = [{ Key: 'Name' }];
      },
      'Resources.Ip.Properties.Tags[0]: Value is required',
    ],
    [
      'a Ref to nothing',
      (t) => {
        t.Resources.Subnet.Properties.VpcId = { Ref: 'Vcp' };
      },
      'Ref names "Vcp", which is not in the template',
    ],
    [
      'an unknown attribute',
      (t) => {
        t.Resources.Nat.Properties.AllocationId = { 'Fn::GetAtt': ['Ip', 'Allocation'] };
      },
      'AWS::EC2::EIP has no attribute Allocation',
    ],
    [
      'a Fn::GetAtt of nothing',
      (t) => {
        t.Resources.Nat.Properties.AllocationId = { 'Fn::GetAtt': 'Eip.AllocationId' };
      },
      'Fn::GetAtt names "Eip"',
    ],
    [
      'a Fn::Sub variable of nothing',
      (t) => {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
        t.Resources.Group.Properties.GroupDescription = { 'Fn::Sub': '${Stag}' };
      },
      'Fn::Sub names "Stag"',
    ],
    [
      'a DependsOn of nothing',
      (t) => {
        (t.Resources.Nat as { DependsOn?: unknown }).DependsOn = 'Eip';
      },
      'Resources.Nat: DependsOn names "Eip"',
    ],
    [
      'an output without a value',
      (t) => {
        (t as { Outputs: Record<string, unknown> }).Outputs = { Empty: {} };
      },
      'Outputs.Empty: Value is required',
    ],
  ] as Array<[string, (t: Editable) => void, string]>)('names %s', (_, change, problem) => {
    const problems = mutated(change);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it('names a template past CloudFormation’s resource limit', () => {
    const problems = mutated((t) => {
      for (let n = 0; n < LIMITS.resources; n++)
        t.Resources[`Ip${n}`] = { Type: 'AWS::EC2::EIP', Properties: {} } as never;
    });
    expect(problems).toEqual([`${LIMITS.resources + 5} resources, more than ${LIMITS.resources}`]);
  });
});
