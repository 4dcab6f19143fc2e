// @ts-check
// The VPC static egress creates when none is given: per availability zone a public subnet
// (its NAT gateway and Elastic IP) and a private one (the functions' network interfaces),
// whose only way out is that NAT; and endpoints that keep DynamoDB, Secrets Manager and SQS
// traffic inside the VPC, off the NAT's per-gigabyte charge.

/** @typedef {Record<string, unknown>} Json */
/** @typedef {import('./static-egress-options.cjs').OwnVpc} OwnVpc */

/** @param {string} cidr @param {number} count @returns {string[]} `count` equal subnets of `cidr`. */
function subnets(cidr, count) {
  const [address = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText);
  const base = address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  const bits = Math.ceil(Math.log2(count));
  const size = 2 ** (32 - prefix - bits);
  const network = base - (base % 2 ** (32 - prefix));
  return Array.from({ length: count }, (_, index) => {
    const start = network + index * size;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join('.')}/${prefix + bits}`;
  });
}

/** @param {string} stage @param {string} role */
const tags = (stage, role) => [{ Key: 'Name', Value: `handshake-${stage}-egress-${role}` }];
const ref = (/** @type {string} */ id) => ({ Ref: id });
/** Fn::Join, not Fn::Sub: serverless would read `${…}` as one of its variables. */
const serviceName = (/** @type {string} */ service) => ({
  'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]],
});
const zone = (/** @type {number} */ index) => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] });

/** @param {OwnVpc} own @param {string} stage @returns {Record<string, Json>} */
function gateway(own, stage) {
  return {
    EgressVpc: {
      Type: 'AWS::EC2::VPC',
      Properties: {
        CidrBlock: own.cidr,
        // The interface endpoints answer under the services' own names: private DNS needs both.
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
        Tags: tags(stage, 'vpc'),
      },
    },
    EgressInternetGateway: { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tags(stage, 'igw') } },
    EgressInternetGatewayAttachment: {
      Type: 'AWS::EC2::VPCGatewayAttachment',
      Properties: { VpcId: ref('EgressVpc'), InternetGatewayId: ref('EgressInternetGateway') },
    },
    EgressPublicRouteTable: {
      Type: 'AWS::EC2::RouteTable',
      Properties: { VpcId: ref('EgressVpc'), Tags: tags(stage, 'public') },
    },
    EgressPublicRoute: {
      Type: 'AWS::EC2::Route',
      DependsOn: ['EgressInternetGatewayAttachment'],
      Properties: {
        RouteTableId: ref('EgressPublicRouteTable'),
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: ref('EgressInternetGateway'),
      },
    },
  };
}

/**
 * The NAT gateways and their addresses: one per zone, or one for all (`single`: half the
 * fixed cost, and every zone's traffic crosses to it). Stack-made addresses are retained when
 * the stack goes: customers have allow-listed them, and `staticEgressEipAllocationIds` takes
 * them back.
 * @param {OwnVpc} own @param {string} stage @returns {Record<string, Json>}
 */
function natGateways(own, stage) {
  const count = own.nat === 'single' ? 1 : own.azs;
  /** @type {Record<string, Json>} */
  const resources = {};
  for (let n = 1; n <= count; n++) {
    const allocation = own.eips?.[n - 1];
    if (allocation === undefined) {
      resources[`EgressIp${n}`] = {
        Type: 'AWS::EC2::EIP',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        DependsOn: ['EgressInternetGatewayAttachment'],
        Properties: { Domain: 'vpc', Tags: tags(stage, `ip-${n}`) },
      };
    }
    resources[`EgressNatGateway${n}`] = {
      Type: 'AWS::EC2::NatGateway',
      Properties: {
        AllocationId: allocation ?? { 'Fn::GetAtt': [`EgressIp${n}`, 'AllocationId'] },
        SubnetId: ref(`EgressPublicSubnet${n}`),
        Tags: tags(stage, `nat-${n}`),
      },
    };
  }
  return resources;
}

/** @param {OwnVpc} own @param {string} stage @returns {Record<string, Json>} */
function zones(own, stage) {
  const ranges = subnets(own.cidr, 2 * own.azs);
  /** @type {Record<string, Json>} */
  const resources = {};
  for (let n = 1; n <= own.azs; n++) {
    const nat = own.nat === 'single' ? 1 : n;
    resources[`EgressPublicSubnet${n}`] = {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref('EgressVpc'),
        AvailabilityZone: zone(n - 1),
        CidrBlock: ranges[n - 1],
        Tags: tags(stage, `public-${n}`),
      },
    };
    resources[`EgressPublicSubnet${n}Routes`] = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref(`EgressPublicSubnet${n}`), RouteTableId: ref('EgressPublicRouteTable') },
    };
    resources[`EgressPrivateSubnet${n}`] = {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref('EgressVpc'),
        AvailabilityZone: zone(n - 1),
        CidrBlock: ranges[own.azs + n - 1],
        Tags: tags(stage, `private-${n}`),
      },
    };
    resources[`EgressPrivateRouteTable${n}`] = {
      Type: 'AWS::EC2::RouteTable',
      Properties: { VpcId: ref('EgressVpc'), Tags: tags(stage, `private-${n}`) },
    };
    resources[`EgressPrivateRoute${n}`] = {
      Type: 'AWS::EC2::Route',
      Properties: {
        RouteTableId: ref(`EgressPrivateRouteTable${n}`),
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: ref(`EgressNatGateway${nat}`),
      },
    };
    resources[`EgressPrivateSubnet${n}Routes`] = {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: {
        SubnetId: ref(`EgressPrivateSubnet${n}`),
        RouteTableId: ref(`EgressPrivateRouteTable${n}`),
      },
    };
  }
  return resources;
}

/**
 * DynamoDB's gateway endpoint costs nothing; the interface ones (`interface`, the default)
 * cost per hour and zone, which pays for itself only past a few hundred GB a month through
 * the NAT (docs/deploy.md's table) — `gateway` leaves Secrets Manager and SQS on the NAT.
 * The endpoints' group takes https from the functions' group and sends nothing.
 * @param {OwnVpc} own @param {string} stage @param {boolean} queues @returns {Record<string, Json>}
 */
function endpoints(own, stage, queues) {
  const privateTables = Array.from({ length: own.azs }, (_, index) =>
    ref(`EgressPrivateRouteTable${index + 1}`),
  );
  const privateSubnets = Array.from({ length: own.azs }, (_, index) =>
    ref(`EgressPrivateSubnet${index + 1}`),
  );
  /** @type {Record<string, Json>} */
  const resources = {
    EgressDynamoDbEndpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: ref('EgressVpc'),
        VpcEndpointType: 'Gateway',
        ServiceName: serviceName('dynamodb'),
        RouteTableIds: privateTables,
      },
    },
  };
  if (own.endpoints !== 'interface') return resources;
  resources.EgressEndpointSecurityGroup = {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: `handshake-${stage}: the AWS service endpoints, https from the functions only`,
      VpcId: ref('EgressVpc'),
      SecurityGroupIngress: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: ref('EgressSecurityGroup'),
          Description: 'https from the functions',
        },
      ],
      // A group with no outbound rule allows everything; this one rule to nowhere allows nothing.
      SecurityGroupEgress: [
        { IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'none' },
      ],
      Tags: tags(stage, 'endpoints'),
    },
  };
  const services = queues
    ? { SecretsManager: 'secretsmanager', Sqs: 'sqs' }
    : { SecretsManager: 'secretsmanager' };
  for (const [id, service] of Object.entries(services)) {
    resources[`Egress${id}Endpoint`] = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcId: ref('EgressVpc'),
        VpcEndpointType: 'Interface',
        ServiceName: serviceName(service),
        PrivateDnsEnabled: true,
        SubnetIds: privateSubnets,
        SecurityGroupIds: [ref('EgressEndpointSecurityGroup')],
      },
    };
  }
  return resources;
}

/**
 * The stack's own network, and how the rest names it.
 * @param {OwnVpc} own @param {string} stage @param {boolean} queues
 */
function ownNetwork(own, stage, queues) {
  const nats = own.nat === 'single' ? 1 : own.azs;
  return {
    resources: {
      ...gateway(own, stage),
      ...zones(own, stage),
      ...natGateways(own, stage),
      ...endpoints(own, stage, queues),
    },
    vpcId: ref('EgressVpc'),
    subnetIds: Array.from({ length: own.azs }, (_, index) => ref(`EgressPrivateSubnet${index + 1}`)),
    natGatewayIds: Array.from({ length: nats }, (_, index) => ref(`EgressNatGateway${index + 1}`)),
    /** The addresses, where the stack made them (an `AWS::EC2::EIP`'s Ref is its address). */
    ips:
      own.eips === undefined
        ? Array.from({ length: nats }, (_, index) => ref(`EgressIp${index + 1}`))
        : undefined,
  };
}

module.exports = { ownNetwork, subnets };
