// Which file systems a routing change can alter the reach of (core/routing-fan-out.ts).
import { normaliseSnapshot } from '../../../aws/normalise';
import { fanOutSeeds } from '../../../core/fan-out';
import type { MountTarget, ResourceRef, ResourceType, Topology } from '../../../core/model';
import { fanOutRoutingToFileSystems, vpcsTouchedByRoutingSeeds } from '../../../core/routing-fan-out';
import { ACCOUNT, routingSection, routingSnapshot } from '../../fixtures/routing-snapshot';

const mountTarget = (fileSystemId: string, vpcId: string, n: number): MountTarget => ({
  mountTargetId: `fsmt-${n}`,
  fileSystemId,
  ownerId: ACCOUNT,
  subnetId: `subnet-${vpcId}`,
  vpcId,
  availabilityZone: 'eu-west-1a',
  ipAddress: `10.0.0.${n}`,
  networkInterfaceId: `eni-mt-${n}`,
  securityGroupIds: [`sg-mt-${n}`],
  lifeCycleState: 'available',
});

function world(): Topology {
  const section = routingSection();
  // vpc-d: peered with vpc-b only (peering is not transitive: a change in vpc-a does not reach it).
  section.vpcPeeringConnections.push({
    VpcPeeringConnectionId: 'pcx-bd',
    Status: { Code: 'active' },
    RequesterVpcInfo: { VpcId: 'vpc-b', CidrBlock: '10.2.0.0/16' },
    AccepterVpcInfo: { VpcId: 'vpc-d', CidrBlock: '10.6.0.0/16' },
  });
  const topology = normaliseSnapshot(routingSnapshot(section));
  return {
    ...topology,
    mountTargets: [
      mountTarget('fs-a', 'vpc-a', 1),
      mountTarget('fs-b', 'vpc-b', 2),
      mountTarget('fs-c', 'vpc-c', 3),
      mountTarget('fs-d', 'vpc-d', 4),
      mountTarget('fs-e', 'vpc-e', 5),
    ],
  };
}

const seed = (resourceType: ResourceType, resourceId: string): ResourceRef => ({ resourceType, resourceId });
const fileSystems = (seeds: ResourceRef[]) =>
  fanOutRoutingToFileSystems(world(), seeds).map((ref) => ref.resourceId);

describe('routing fan-out', () => {
  it('a route table: its VPC and one hop around it (peer, TGW spokes), never two hops', () => {
    expect(
      [...vpcsTouchedByRoutingSeeds(world(), [seed('AWS::EC2::RouteTable', 'rtb-a-main')])].sort(),
    ).toEqual(['vpc-a', 'vpc-b', 'vpc-c', 'vpc-far']);
    expect(fileSystems([seed('AWS::EC2::RouteTable', 'rtb-a-main')])).toEqual(['fs-a', 'fs-b', 'fs-c']);
    expect(fileSystems([seed('AWS::EC2::RouteTable', 'rtb-c')])).toEqual(['fs-a', 'fs-c']);
  });

  it('a peering: both sides and their neighbours; a deleted one through the routes that still name it', () => {
    expect(fileSystems([seed('AWS::EC2::VPCPeeringConnection', 'pcx-bd')])).toEqual(['fs-a', 'fs-b', 'fs-d']);
    // pcx-gone is only a blackhole route of rtb-a-main now.
    expect(fileSystems([seed('AWS::EC2::VPCPeeringConnection', 'pcx-gone')])).toEqual([
      'fs-a',
      'fs-b',
      'fs-c',
    ]);
  });

  it('a TGW attachment or TGW route table: every VPC on that Transit Gateway and one hop around', () => {
    expect(fileSystems([seed('AWS::EC2::TransitGatewayAttachment', 'tgw-attach-vpn')])).toEqual([
      'fs-a',
      'fs-b',
      'fs-c',
    ]);
    expect(fileSystems([seed('AWS::EC2::TransitGatewayRouteTable', 'tgw-rtb-1')])).toEqual([
      'fs-a',
      'fs-b',
      'fs-c',
    ]);
  });

  it('a VPN gateway: the VPCs it is attached to or propagates into', () => {
    expect(fileSystems([seed('AWS::EC2::VPNGateway', 'vgw-1')])).toEqual(['fs-a', 'fs-b', 'fs-c']);
    expect(fileSystems([seed('AWS::EC2::VPNGateway', 'vgw-2')])).toEqual([]);
  });

  it('an unknown id or a topology without routing reaches nothing', () => {
    expect(fileSystems([seed('AWS::EC2::RouteTable', 'rtb-nope')])).toEqual([]);
    const { routing: _, ...withoutRouting } = world();
    expect(fanOutRoutingToFileSystems(withoutRouting, [seed('AWS::EC2::RouteTable', 'rtb-a-main')])).toEqual(
      [],
    );
  });

  it('is efs-nfs-exposure’s fan-out, with file-system, group and interface seeds too', () => {
    const out = (seeds: ResourceRef[]) =>
      fanOutSeeds('efs-nfs-exposure', world(), seeds)?.map((r) => r.resourceId);
    expect(out([seed('AWS::EC2::RouteTable', 'rtb-b')])).toEqual(['fs-a', 'fs-b', 'fs-d']);
    expect(out([seed('AWS::EFS::FileSystem', 'fs-e')])).toEqual(['fs-e']);
    expect(out([seed('AWS::EC2::SecurityGroup', 'sg-mt-4')])).toEqual(['fs-d']);
    expect(out([seed('AWS::EC2::NetworkInterface', 'eni-mt-2')])).toEqual(['fs-b']);
  });
});
