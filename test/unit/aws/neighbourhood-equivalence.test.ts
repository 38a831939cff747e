// The proof that the neighbourhood load is complete: for every resource of rich accounts, each rule
// evaluated on the neighbourhood of that one seed gives exactly what it gives on the whole region
// (same resources, same verdicts, same annotations), and each verdict equals the scheduled sweep's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { loadNeighbourhood } from '../../../aws/load/neighbourhood';
import type { Snapshot } from '../../../aws/snapshot/format';
import { emptyRouting } from '../../../aws/snapshot/format-routing';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import {
  ALL,
  type Evaluation,
  type ResourceRef,
  ROUTING_RESOURCE_TYPES,
  type Topology,
} from '../../../core/model';
import { getRule } from '../../../core/rules';
import {
  addIpv6Resources,
  allTraffic,
  buildRichAccount,
  buildRoutedAccount,
  FakeAccount,
  fromCidr,
  fromGroup,
  fromPrefixList,
  nfs,
} from '../../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const NETWORK_RULES = [
  'efs-mount-target-nfs-ingress',
  'efs-client-nfs-egress',
  'efs-nfs-network-acl',
  'efs-nfs-exposure',
];

const PARAMETER_VARIANTS: Readonly<Record<string, Record<string, string>>> = {
  'efs-mount-target-nfs-ingress': { allowedCidrs: '192.168.0.0/16', allowUnusedIngress: 'true' },
  'efs-client-nfs-egress': { requireScopedEgress: 'true' },
  'efs-nfs-network-acl': { clientPortRange: '665-1023' },
  'efs-nfs-exposure': { allowedNetworks: 'pcx-0ab,10.2.0.0/16', clientPortRange: '665-1023' },
};

function seedsOf(snapshot: Snapshot): ResourceRef[] {
  const refs = (resourceType: ResourceRef['resourceType'], ids: (string | undefined)[]) =>
    ids.filter((id): id is string => Boolean(id)).map((resourceId) => ({ resourceType, resourceId }));
  return [
    ...refs(
      'AWS::EC2::SecurityGroup',
      snapshot.securityGroups.map((g) => g.GroupId),
    ),
    ...refs(
      'AWS::EC2::NetworkInterface',
      snapshot.networkInterfaces.map((e) => e.NetworkInterfaceId),
    ),
    ...refs(
      'AWS::EC2::NetworkAcl',
      snapshot.networkAcls.map((a) => a.NetworkAclId),
    ),
    ...refs(
      'AWS::EFS::FileSystem',
      snapshot.fileSystems.map((f) => f.FileSystemId),
    ),
    ...refs(
      'AWS::EC2::RouteTable',
      (snapshot.routing?.routeTables ?? []).map((t) => t.RouteTableId),
    ),
    ...refs(
      'AWS::EC2::VPCPeeringConnection',
      (snapshot.routing?.vpcPeeringConnections ?? []).map((p) => p.VpcPeeringConnectionId),
    ),
    ...refs(
      'AWS::EC2::TransitGatewayAttachment',
      (snapshot.routing?.transitGatewayAttachments ?? []).map((a) => a.TransitGatewayAttachmentId),
    ),
    ...refs(
      'AWS::EC2::TransitGatewayRouteTable',
      (snapshot.routing?.transitGatewayRouteTables ?? []).map((t) => t.TransitGatewayRouteTableId),
    ),
    ...refs(
      'AWS::EC2::VPNGateway',
      (snapshot.routing?.vpnGateways ?? []).map((g) => g.VpnGatewayId),
    ),
    // Deleted resources (and a group that rules still reference although it is gone).
    { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0deleted' },
    { resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-0gone' },
    { resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-0gone' },
    { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-0gone' },
  ];
}

/** Runs the equivalence over every seed of one account. */
function describeEquivalence(
  name: string,
  makeSnapshot: () => Snapshot,
  probeUnlabelledInterfaces: boolean,
): void {
  describe(name, () => {
    // An account without routes still has routing recorded (none): the fake serves it as AWS would.
    const made = makeSnapshot();
    const snapshot: Snapshot = { ...made, routing: made.routing ?? emptyRouting() };
    const full: Topology = normaliseSnapshot(snapshot);
    const sweep = new Map<string, Evaluation>();
    for (const ruleId of NETWORK_RULES) {
      for (const evaluation of getRule(ruleId).evaluate(full, ALL)) {
        sweep.set(`${ruleId}|${evaluation.resourceType}|${evaluation.resourceId}`, evaluation);
      }
    }
    let fake: FakeAws;
    const clients = {
      ec2: new EC2Client({ region: 'eu-west-1' }),
      efs: new EFSClient({ region: 'eu-west-1' }),
    };
    beforeAll(() => {
      // Pages of two items: every multi-item answer is paginated.
      fake = installFakeAws(snapshot, { pageSize: 2 });
    });
    afterAll(() => fake.restore());

    it.each(seedsOf(snapshot).map((seed) => [`${seed.resourceType} ${seed.resourceId}`, seed] as const))(
      'seed %s: neighbourhood verdicts equal the whole-region verdicts',
      async (_label, seed) => {
        const loaded = await loadNeighbourhood(clients, [seed], {
          accountId: snapshot.accountId,
          region: snapshot.region,
          probeUnlabelledInterfaces,
          // Every part but IAM: the network rules and, for file-system seeds, the policy rule.
          parts: ['network', 'fileSystemPolicies', 'routing'],
        });
        const slice = normaliseSnapshot(loaded);
        const scope = { kind: 'seeds', seeds: [seed] } as const;
        let compared = 0;
        for (const ruleId of NETWORK_RULES) {
          const rule = getRule(ruleId);
          if (!rule.triggerResourceTypes.includes(seed.resourceType)) continue;
          // Non-default parameters read other parts of the neighbourhood (egress scope, other ports).
          const params = PARAMETER_VARIANTS[ruleId] ?? {};
          expect(rule.evaluate(slice, scope, params)).toEqual(rule.evaluate(full, scope, params));
          const expected = rule.evaluate(full, scope);
          expect({ ruleId, evaluations: rule.evaluate(slice, scope) }).toEqual({
            ruleId,
            evaluations: expected,
          });
          for (const evaluation of expected) {
            const swept = sweep.get(`${ruleId}|${evaluation.resourceType}|${evaluation.resourceId}`);
            // A deleted seed is NOT_APPLICABLE and absent from a sweep; everything else matches the sweep.
            if (swept) expect(evaluation).toEqual(swept);
            else expect(evaluation.complianceType).toBe('NOT_APPLICABLE');
            compared++;
          }
        }
        if (seed.resourceType === 'AWS::EFS::FileSystem') {
          const rule = getRule('efs-file-system-policy');
          expect(rule.evaluate(slice, scope)).toEqual(rule.evaluate(full, scope));
        }
        // A seed of a rule's own type is always reported, so every case compares something (a routing
        // seed may reach no file system: the route table of a VPC without any, such as moto's default VPC).
        if (!ROUTING_RESOURCE_TYPES.includes(seed.resourceType)) expect(compared).toBeGreaterThan(0);
        // The neighbourhood is a slice: it never invents a resource.
        expect(slice.networkInterfaces.length).toBeLessThanOrEqual(full.networkInterfaces.length);
      },
    );
  });
}

describeEquivalence(
  'rich account (AWS-shaped mount-target interfaces)',
  () => buildRichAccount('aws').snapshot(),
  false,
);
describeEquivalence(
  'rich account (moto-shaped mount-target interfaces)',
  () => buildRichAccount('moto').snapshot(),
  true,
);
describeEquivalence(
  'rich account after changes (removed reference, moved client)',
  () =>
    buildRichAccount('aws')
      .setRules('sg-0mt1', { ingress: [nfs(fromGroup('sg-0c2'))] })
      .setInterfaceGroups('eni-0c3a', ['sg-0c2', 'sg-0c4'])
      .snapshot(),
  false,
);
describeEquivalence(
  'rich account with IPv6-only and dual-stack clients and mount targets',
  () => addIpv6Resources(buildRichAccount('aws')).snapshot(),
  false,
);
describeEquivalence(
  'rich account with IPv6-only and dual-stack resources (moto-shaped mount-target interfaces)',
  () => addIpv6Resources(buildRichAccount('moto'), 'moto').snapshot(),
  true,
);
/**
 * Rules whose NFS coverage, group references and sources the planner reads only through core
 * (core/neighbourhood.ts over normalised groups): port shorthands (a tcp rule with one port given, or
 * -1/-1), protocol numbers, udp 2049 and another protocol from a group, a cross-account reference to a
 * group id that also exists here, a malformed CIDR in an NFS rule, an outbound-only reference to a
 * client group, egress through prefix lists, and interfaces that are never NFS clients (an RDS
 * interface, an efa-only interface without addresses) carrying client groups.
 */
function addRuleShorthands(account: FakeAccount, style: 'aws' | 'moto'): FakeAccount {
  const group = (groupId: string, ...rest: object[]) => ({
    UserIdGroupPairs: [{ GroupId: groupId }],
    ...Object.assign({}, ...rest),
  });
  return account
    .group('sg-0mt7', 'vpc-0a', {
      ingress: [
        { IpProtocol: 'tcp', FromPort: 1000, ...group('sg-0c3') },
        { IpProtocol: 'tcp', ToPort: 3000, ...group('sg-0c4') },
        { IpProtocol: '6', FromPort: -1, ToPort: -1, ...group('sg-0c8') },
        { IpProtocol: 'udp', FromPort: 2049, ToPort: 2049, ...group('sg-0c2') },
        { IpProtocol: '47', ...group('sg-0web') },
        nfs(fromGroup('sg-0c1', '999999999999')),
        { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.0.0.0/33' }] },
        { IpProtocol: 'TCP', FromPort: 2000, ToPort: 2100, ...fromPrefixList('pl-0bb') },
      ],
      egress: [nfs(fromGroup('sg-0c9'))],
    })
    .group('sg-0mt8', 'vpc-0a', {
      ingress: [allTraffic(fromGroup('sg-0c9')), { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    })
    .group('sg-0c8', 'vpc-0a', { egress: [{ IpProtocol: '6', ...fromPrefixList('pl-0aa') }] })
    .group('sg-0c9', 'vpc-0a', { egress: [{ IpProtocol: 'tcp', ToPort: 2049, ...fromCidr('10.0.0.0/16') }] })
    .fileSystem('fs-0007')
    .mountTarget('fs-0007', 'fsmt-0007a', 'subnet-0datab', ['sg-0mt7'], style)
    .mountTarget('fs-0007', 'fsmt-0007b', 'subnet-0dataa', ['sg-0mt7', 'sg-0mt8'], style)
    .eni('eni-0c8a', 'subnet-0appa', ['sg-0c8'])
    .eni('eni-0c9a', 'subnet-0far', ['sg-0c9'])
    .eni('eni-0rds', 'subnet-0appb', ['sg-0c8', 'sg-0c9'], {
      RequesterManaged: true,
      RequesterId: 'amazon-rds',
      Description: 'RDSNetworkInterface',
      Attachment: undefined,
    })
    .eni('eni-0efa', 'subnet-0appa', ['sg-0c9'], {
      InterfaceType: 'efa-only',
      PrivateIpAddress: undefined,
      PrivateIpAddresses: [],
    });
}
describeEquivalence(
  'rich account with rule shorthands, cross-account and malformed sources, non-client interfaces',
  () => addRuleShorthands(buildRichAccount('aws'), 'aws').snapshot(),
  false,
);
describeEquivalence(
  'rich account with rule shorthands (moto-shaped mount-target interfaces)',
  () => addRuleShorthands(buildRichAccount('moto'), 'moto').snapshot(),
  true,
);
describeEquivalence(
  'routed account: peering, Transit Gateway, pending peering, VPN gateway',
  () => buildRoutedAccount('aws').snapshot(),
  false,
);
describeEquivalence(
  'routed account (moto-shaped mount-target interfaces)',
  () => buildRoutedAccount('moto').snapshot(),
  true,
);
describeEquivalence(
  'demo account (demo/demo-snapshot.json, recorded from moto)',
  () => JSON.parse(readFileSync(join(__dirname, '../../../demo/demo-snapshot.json'), 'utf8')) as Snapshot,
  true,
);

it('the fixture builder is exercised by the equivalence suites', () => {
  expect(new FakeAccount().snapshot().networkInterfaces).toEqual([]);
});
