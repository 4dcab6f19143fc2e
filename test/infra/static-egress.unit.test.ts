/**
 * infra/static-egress.cjs's options and tools/egress-rules.ts, for the cases packaging all of
 * them would take too long for: every refusal names the option and what is allowed; the
 * security group's rules follow the egress allow list. The packaged variants are checked by
 * test/infra/static-egress.integration.test.ts.
 */
import { egressRules, MAX_RULES } from '../../tools/egress-rules';

const { staticEgressTemplate } = require('../../infra/static-egress.cjs') as {
  staticEgressTemplate: (input: {
    stage: string;
    params: Record<string, string>;
    env: NodeJS.ProcessEnv;
  }) => {
    vpc: Record<string, unknown>;
    resources: { Resources?: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  };
};
const { subnets } = require('../../infra/static-egress-network.cjs') as {
  subnets: (cidr: string, count: number) => string[];
};

const template = (params: Record<string, string>) => staticEgressTemplate({ stage: 'prod', params, env: {} });

describe('static egress options', () => {
  it('adds nothing, and keeps every calling function out of a VPC, when off', () => {
    for (const params of [{}, { staticEgress: 'false' }]) {
      const off = template(params);
      expect(off.resources).toEqual({});
      expect(Object.values(off.vpc).every((vpc) => vpc === false)).toBe(true);
    }
  });

  it.each([
    [{ staticEgress: 'yes' }, '--param staticEgress is "yes"; allowed: true, false'],
    [{ staticEgressNat: 'single' }, '--param staticEgressNat needs --param staticEgress=true'],
    [{ staticEgress: 'true', staticEgressNat: 'two' }, 'allowed: per-az, single'],
    [{ staticEgress: 'true', staticEgressAzs: '4' }, '--param staticEgressAzs is "4"; allowed: 2 to 3'],
    [{ staticEgress: 'true', staticEgressAzs: '1' }, 'allowed: 2 to 3'],
    [{ staticEgress: 'true', staticEgressCidr: '10.0.0.0/8' }, 'allowed: an IPv4 range from /16 to /24'],
    [{ staticEgress: 'true', staticEgressCidr: '300.0.0.0/16' }, 'allowed: an IPv4 range from /16 to /24'],
    [{ staticEgress: 'true', staticEgressEndpoints: 'none' }, 'allowed: interface, gateway'],
    [
      { staticEgress: 'true', staticEgressEipAllocationIds: 'eipalloc-0123456789abcdef0' },
      'names 1 address for 2 NAT gateways',
    ],
    [
      { staticEgress: 'true', staticEgressEipAllocationIds: '1.2.3.4,5.6.7.8' },
      'has "1.2.3.4", which is not an allocation id',
    ],
    [
      { staticEgress: 'true', staticEgressSubnetIds: 'subnet-0123456789abcdef0' },
      '--param staticEgressVpcId is needed with --param staticEgressSubnetIds',
    ],
    [
      { staticEgress: 'true', staticEgressVpcId: 'vpc-0123456789abcdef0' },
      '--param staticEgressSubnetIds is needed with --param staticEgressVpcId',
    ],
    [
      { staticEgress: 'true', staticEgressVpcId: 'vpc-1', staticEgressSubnetIds: 'subnet-0123456789abcdef0' },
      'has "vpc-1", which is not a VPC id',
    ],
    [
      {
        staticEgress: 'true',
        staticEgressVpcId: 'vpc-0123456789abcdef0',
        staticEgressSubnetIds: 'subnet-0123456789abcdef0',
        staticEgressNat: 'single',
      },
      '--param staticEgressNat is for the VPC the stack creates',
    ],
  ])('refuses %j', (params, message) => {
    expect(() => template(params)).toThrow(message);
  });

  it('splits the VPC range into a public and a private subnet per zone', () => {
    expect(subnets('10.80.0.0/16', 4)).toEqual([
      '10.80.0.0/18',
      '10.80.64.0/18',
      '10.80.128.0/18',
      '10.80.192.0/18',
    ]);
    expect(subnets('192.168.8.0/22', 6)).toEqual([
      '192.168.8.0/25',
      '192.168.8.128/25',
      '192.168.9.0/25',
      '192.168.9.128/25',
      '192.168.10.0/25',
      '192.168.10.128/25',
    ]);
    const three =
      template({ staticEgress: 'true', staticEgressAzs: '3', staticEgressCidr: '172.20.0.0/20' }).resources
        .Resources ?? {};
    expect(three.EgressPrivateSubnet3?.Properties.CidrBlock).toBe('172.20.10.0/23');
  });
});

describe('the security group rules of the egress allow list', () => {
  it('is https anywhere when the list is empty', () => {
    expect(egressRules([])).toEqual({
      rules: [
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
      ],
      skipped: [],
    });
  });

  it('opens a named host’s port (80 without one), a range’s port or all of its ports; skips loopback and IPv6', () => {
    const { rules, skipped } = egressRules([
      'legacy.example.com',
      'partner.example.com:8443',
      '10.1.2.3/16',
      '198.51.100.9:9000',
      'localhost:8080',
      '127.0.0.0/8',
      '[2001:db8::1]:443',
    ]);
    expect(rules.map(({ FromPort, ToPort, CidrIp }) => `${FromPort}-${ToPort} ${CidrIp}`)).toEqual([
      '443-443 0.0.0.0/0',
      '80-80 0.0.0.0/0',
      '8443-8443 0.0.0.0/0',
      '0-65535 10.1.0.0/16',
      '9000-9000 198.51.100.9/32',
    ]);
    expect(skipped).toHaveLength(3);
  });

  it('names one rule once, and refuses more than a group takes', () => {
    expect(egressRules(['a.example.com:8443', 'b.example.com:8443']).rules).toHaveLength(2);
    const many = Array.from({ length: MAX_RULES }, (_, index) => `198.51.100.${index}`);
    expect(() => egressRules(many)).toThrow(/HANDSHAKE_EGRESS_ALLOW needs 61 security group rules/);
  });

  it('refuses an entry the egress policy refuses, in its words', () => {
    expect(() => egressRules(['https://api.example.com'])).toThrow(/is a URL, not a destination/);
  });
});
