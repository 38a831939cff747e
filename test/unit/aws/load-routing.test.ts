// The routing loader (aws/load/routing.ts) against the snapshot-backed fake AWS: the whole region, a set
// of VPCs and one hop around it, another account's TGW route table, and the neighbourhood of a routing
// change.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { loadNeighbourhood } from '../../../aws/load/neighbourhood';
import { loadRegion } from '../../../aws/load/region';
import { loadRouting } from '../../../aws/load/routing';
import { AccessDeniedError } from '../../../aws/sdk/errors';
import type { Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { ACCOUNT, OTHER_ACCOUNT, REGION, routingSection } from '../../fixtures/routing-snapshot';
import { FakeAccount } from '../../helpers/fake-account';
import { awsError, type FakeAws, installFakeAws } from '../../helpers/fake-aws';

/** The routing world, with subnets and a file system in each of vpc-a, vpc-b, vpc-c and a lone vpc-e. */
function account(): Snapshot {
  const builder = new FakeAccount(ACCOUNT, REGION)
    .vpc('vpc-a', '10.1.0.0/16')
    .vpc('vpc-b', '10.2.0.0/16')
    .vpc('vpc-c', '10.3.0.0/16')
    .vpc('vpc-e', '10.7.0.0/16')
    .subnet('subnet-a1', 'vpc-a', '10.1.1.0/24')
    .subnet('subnet-b1', 'vpc-b', '10.2.1.0/24')
    .subnet('subnet-c1', 'vpc-c', '10.3.1.0/24')
    .subnet('subnet-e1', 'vpc-e', '10.7.1.0/24')
    .group('sg-a', 'vpc-a')
    .group('sg-b', 'vpc-b')
    .group('sg-c', 'vpc-c')
    .group('sg-e', 'vpc-e');
  for (const v of ['a', 'b', 'c', 'e'])
    builder.fileSystem(`fs-${v}`).mountTarget(`fs-${v}`, `fsmt-${v}000001`, `subnet-${v}1`, [`sg-${v}`]);
  return { ...builder.snapshot(), parts: ['network', 'routing'], routing: routingSection() };
}

const clients = {
  ec2: new EC2Client({ region: REGION }),
  efs: new EFSClient({ region: REGION }),
  iam: new IAMClient({ region: REGION }),
  sts: new STSClient({ region: REGION }),
};
let fake: FakeAws;
beforeEach(() => {
  fake = installFakeAws(account(), { pageSize: 2 });
});
afterEach(() => fake.restore());

const ids = <T>(items: readonly T[], id: (item: T) => string | undefined) => items.map(id).sort();

describe('loadRouting', () => {
  it('reads the whole region, page by page, as recorded', async () => {
    const routing = await loadRouting(clients.ec2, undefined, { accountId: ACCOUNT });
    const expected = routingSection();
    expect(ids(routing.routeTables, (t) => t.RouteTableId)).toEqual(
      ids(expected.routeTables, (t) => t.RouteTableId),
    );
    expect(routing.vpcPeeringConnections).toHaveLength(2);
    expect(routing.transitGatewayAttachments).toHaveLength(3);
    expect(routing.transitGatewayVpcAttachments).toHaveLength(2);
    expect(routing.vpnGateways).toHaveLength(2);
    const [table] = routing.transitGatewayRouteTables;
    // Search asks for live states only: the deleted route is not read.
    expect(table?.Routes).toHaveLength(5);
    expect(table?.Associations).toHaveLength(3);
    expect(table?.Propagations).toHaveLength(2);
    expect(table?.OwnerId).toBe(ACCOUNT);
    // Two-item pages: every paginated call was followed to its end.
    expect(fake.count('SearchTransitGatewayRoutes')).toBe(3);
  });

  it('for a set of VPCs: their peerings, and the route tables one hop away, but nothing further', async () => {
    const routing = await loadRouting(clients.ec2, ['vpc-b'], { accountId: ACCOUNT });
    expect(ids(routing.vpcPeeringConnections, (p) => p.VpcPeeringConnectionId)).toEqual(['pcx-ab']);
    expect(ids(routing.routeTables, (t) => t.RouteTableId)).toEqual(['rtb-a-main', 'rtb-a-private', 'rtb-b']);
    expect(routing.transitGatewayRouteTables).toEqual([]);
    expect(ids(routing.vpnGateways, (g) => g.VpnGatewayId)).toEqual(['vgw-2']);
  });

  it('for a TGW spoke: its attachment, the TGW route table, the attachments it names and their VPCs', async () => {
    const routing = await loadRouting(clients.ec2, ['vpc-c'], { accountId: ACCOUNT });
    expect(ids(routing.transitGatewayAttachments, (a) => a.TransitGatewayAttachmentId)).toEqual([
      'tgw-attach-a',
      'tgw-attach-c',
      'tgw-attach-vpn',
    ]);
    expect(ids(routing.transitGatewayRouteTables, (t) => t.TransitGatewayRouteTableId)).toEqual([
      'tgw-rtb-1',
    ]);
    expect(ids(routing.routeTables, (t) => t.RouteTableId)).toEqual(['rtb-a-main', 'rtb-a-private', 'rtb-c']);
    expect(ids(routing.transitGatewayVpcAttachments, (a) => a.TransitGatewayAttachmentId)).toEqual([
      'tgw-attach-a',
      'tgw-attach-c',
    ]);
  });

  it("leaves out another account's TGW route table it may not read: absent, so unknown", async () => {
    const section = routingSection();
    for (const a of section.transitGatewayAttachments) a.TransitGatewayOwnerId = OTHER_ACCOUNT;
    fake.setSnapshot({ ...account(), routing: section });
    fake.fail('SearchTransitGatewayRoutes', awsError('UnauthorizedOperation'));
    const progress: string[] = [];
    const routing = await loadRouting(clients.ec2, ['vpc-c'], {
      accountId: ACCOUNT,
      onProgress: (line) => progress.push(line),
    });
    expect(routing.transitGatewayRouteTables).toEqual([]);
    // Only the VPC's own attachment: the next hops are named by the table that could not be read.
    expect(routing.transitGatewayAttachments).toHaveLength(1);
    expect(progress.join('\n')).toContain(`tgw-rtb-1 of account ${OTHER_ACCOUNT} is not readable`);
    const state = normaliseSnapshot({ ...account(), routing }).routing;
    expect(state?.transitGatewayAttachments.find((a) => a.attachmentId === 'tgw-attach-c')).toMatchObject({
      associatedRouteTableId: 'tgw-rtb-1',
    });
  });

  it("fails naming the action when this account's own TGW route table is denied (a missing permission)", async () => {
    fake.fail('SearchTransitGatewayRoutes', awsError('UnauthorizedOperation'));
    const load = loadRouting(clients.ec2, ['vpc-c'], { accountId: ACCOUNT });
    await expect(load).rejects.toThrow(AccessDeniedError);
    await expect(loadRouting(clients.ec2, ['vpc-c'], { accountId: ACCOUNT })).rejects.toThrow(
      'ec2:SearchTransitGatewayRoutes',
    );
  });

  it('the whole-region load records the part, and the prefix lists routes name', async () => {
    const withList = { ...account() };
    withList.managedPrefixLists = [{ PrefixListId: 'pl-tgw', Entries: [{ Cidr: '172.31.0.0/16' }] }];
    fake.setSnapshot(withList);
    const snapshot = await loadRegion(clients, { parts: ['network', 'routing'], accountId: ACCOUNT });
    expect(snapshot.parts).toEqual(['network', 'routing']);
    expect(snapshot.routing?.routeTables).toHaveLength(4);
    // pl-routes does not exist: left out, so its routes stay unresolved; pl-tgw is read.
    expect(snapshot.managedPrefixLists.map((l) => l.PrefixListId)).toEqual(['pl-tgw']);
    expect(normaliseSnapshot(snapshot).routing?.routeTables).toHaveLength(4);
  });
});

describe('the neighbourhood of a routing change', () => {
  const load = (resourceType: Parameters<typeof loadNeighbourhood>[1][number]['resourceType'], id: string) =>
    loadNeighbourhood(clients, [{ resourceType, resourceId: id }], {
      accountId: ACCOUNT,
      region: REGION,
      parts: ['network', 'routing'],
    });

  it('a route table of a TGW spoke: the file systems of that VPC and of the other spokes, with routing', async () => {
    const snapshot = await load('AWS::EC2::RouteTable', 'rtb-c');
    expect(ids(snapshot.fileSystems, (fs) => fs.FileSystemId)).toEqual(['fs-a', 'fs-c']);
    expect(snapshot.parts).toEqual(['network', 'routing']);
    expect(ids(snapshot.routing?.routeTables ?? [], (t) => t.RouteTableId)).toEqual([
      'rtb-a-main',
      'rtb-a-private',
      'rtb-b',
      'rtb-c',
    ]);
  });

  it('a peering: both sides and one hop further; a deleted one can have touched any file system', async () => {
    expect(
      ids((await load('AWS::EC2::VPCPeeringConnection', 'pcx-ab')).fileSystems, (fs) => fs.FileSystemId),
    ).toEqual(['fs-a', 'fs-b', 'fs-c']);
    expect(
      ids((await load('AWS::EC2::VPCPeeringConnection', 'pcx-deleted')).fileSystems, (fs) => fs.FileSystemId),
    ).toEqual(['fs-a', 'fs-b', 'fs-c', 'fs-e']);
  });

  it('a VPN gateway and a TGW route table', async () => {
    expect(ids((await load('AWS::EC2::VPNGateway', 'vgw-1')).fileSystems, (fs) => fs.FileSystemId)).toEqual([
      'fs-a',
      'fs-b',
      'fs-c',
    ]);
    expect(
      ids(
        (await load('AWS::EC2::TransitGatewayRouteTable', 'tgw-rtb-1')).fileSystems,
        (fs) => fs.FileSystemId,
      ),
    ).toEqual(['fs-a', 'fs-b', 'fs-c']);
  });
});
