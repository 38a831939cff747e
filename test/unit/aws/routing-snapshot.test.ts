// The routing section of a snapshot: schema (zod and the fast check), the /1 compatibility rule, and the
// normaliser to core RoutingState (aws/snapshot/schema-routing.ts, aws/snapshot/normalise-routing.ts).
import { SnapshotError } from '../../../aws/sdk/errors';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_BEFORE_ROUTING, snapshotParts } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { parseSnapshot, snapshotSchema } from '../../../aws/snapshot/schema';
import { ACCOUNT, OTHER_ACCOUNT, routingSection, routingSnapshot } from '../../fixtures/routing-snapshot';

const parsed = (value: unknown) => parseSnapshot(structuredClone(value), 'x.json');

describe('the routing section of a snapshot', () => {
  it('is written as format /3 (/2 is the multi-account set) and passes the fast check unchanged', () => {
    const snapshot = routingSnapshot();
    expect(snapshot.format).toBe(SNAPSHOT_FORMAT);
    expect(SNAPSHOT_FORMAT).toBe('efsguard-snapshot/3');
    // The fast path hands back the very object: nothing was copied.
    expect(parseSnapshot(snapshot)).toBe(snapshot);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
  });

  it('names the path and the resource of a bad field', () => {
    const section = routingSection();
    delete (section.routeTables[2] as { VpcId?: string }).VpcId;
    (section.transitGatewayRouteTables[0]?.Routes[0] as { State?: unknown }).State = 7;
    const snapshot = routingSnapshot(section);
    expect(() => parsed(snapshot)).toThrow(
      /at routing\.routeTables\[2\]\.VpcId: .*\(route table rtb-b\); at routing\.transitGatewayRouteTables\[0\]\.Routes\[0\]\.State: .*\(transit gateway route table tgw-rtb-1\)/,
    );
  });

  it('refuses a peering without a status and a duplicate route table id', () => {
    const section = routingSection();
    delete (section.vpcPeeringConnections[0] as { Status?: unknown }).Status;
    const noStatus = routingSnapshot(section);
    expect(() => parsed(noStatus)).toThrow(
      /routing\.vpcPeeringConnections\[0\]\.Status: .*VPC peering connection pcx-ab/,
    );
    const duplicate = routingSnapshot();
    duplicate.routing?.routeTables.push(structuredClone(duplicate.routing.routeTables[0] as object));
    expect(() => parsed(duplicate)).toThrow(
      /duplicate route table id rtb-a-main: also at routing\.routeTables\[0\]/,
    );
  });

  it('refuses routing in a /1 file, and parts that list routing without it', () => {
    const old = { ...routingSnapshot(), format: SNAPSHOT_FORMAT_BEFORE_ROUTING };
    expect(() => parsed(old)).toThrow(/at routing: format efsguard-snapshot\/1 predates routing/);
    const { routing: _, ...withoutSection } = routingSnapshot();
    expect(() => parsed(withoutSection)).toThrow(/at routing: missing: parts lists 'routing'/);
    const unlisted = { ...routingSnapshot(), parts: ['network'] };
    expect(() => parsed(unlisted)).toThrow(/at parts: has a routing section but does not list 'routing'/);
  });
});

describe('a snapshot recorded before routing', () => {
  const old = {
    ...routingSnapshot(),
    format: SNAPSHOT_FORMAT_BEFORE_ROUTING,
    parts: undefined,
    routing: undefined,
  };

  it('still loads, and its parts never include routing: Topology.routing is absent, not empty', () => {
    const snapshot = parsed(JSON.parse(JSON.stringify(old)));
    expect(snapshotParts(snapshot)).toEqual(['network', 'fileSystemPolicies', 'accessPoints']);
    const topology = normaliseSnapshot(snapshot);
    expect(topology.parts).toEqual(['network', 'fileSystemPolicies', 'accessPoints']);
    expect(topology.routing).toBeUndefined();
  });

  it('keeps the parts it lists', () => {
    const snapshot = parsed({ ...JSON.parse(JSON.stringify(old)), parts: ['network'] });
    expect(normaliseSnapshot(snapshot).parts).toEqual(['network']);
  });
});

describe('normaliseRouting (through normaliseSnapshot)', () => {
  const routing = normaliseSnapshot(parsed(routingSnapshot())).routing;
  const table = (id: string) => routing?.routeTables.find((t) => t.routeTableId === id);

  it('reads main and explicit associations; a disassociated subnet is not associated', () => {
    expect(table('rtb-a-main')).toMatchObject({
      main: true,
      subnetIds: [],
      vpcId: 'vpc-a',
      ownerId: ACCOUNT,
    });
    expect(table('rtb-a-private')).toMatchObject({ main: false, subnetIds: ['subnet-a2'] });
    expect(table('rtb-a-main')?.propagatingVgwIds).toEqual(['vgw-1']);
  });

  it('reads each target kind, prefix-list and IPv6 destinations, blackholes and origins', () => {
    expect(table('rtb-a-main')?.routes).toEqual([
      {
        destination: { kind: 'cidr', cidr: '10.1.0.0/16' },
        target: { kind: 'local' },
        state: 'active',
        origin: 'CreateRouteTable',
      },
      {
        destination: { kind: 'cidr', cidr: '10.2.0.0/16' },
        target: { kind: 'peering', id: 'pcx-ab' },
        state: 'active',
        origin: 'CreateRoute',
      },
      {
        destination: { kind: 'cidr', cidr: '10.3.0.0/16' },
        target: { kind: 'transitGateway', id: 'tgw-1' },
        state: 'active',
        origin: 'CreateRoute',
      },
      {
        destination: { kind: 'cidr', cidr: '192.168.0.0/16' },
        target: { kind: 'vpnGateway', id: 'vgw-1' },
        state: 'active',
        origin: 'EnableVgwRoutePropagation',
      },
      {
        destination: { kind: 'cidr', cidr: '0.0.0.0/0' },
        target: { kind: 'internetGateway', id: 'igw-1' },
        state: 'active',
        origin: 'CreateRoute',
      },
      {
        destination: { kind: 'prefixList', prefixListId: 'pl-routes' },
        target: { kind: 'natGateway', id: 'nat-1' },
        state: 'active',
        origin: 'CreateRoute',
      },
      {
        destination: { kind: 'cidr', cidr: '2001:db8::/32' },
        target: { kind: 'other', id: 'eigw-1' },
        state: 'active',
        origin: '',
      },
      {
        destination: { kind: 'cidr', cidr: '10.9.0.0/16' },
        target: { kind: 'peering', id: 'pcx-gone' },
        state: 'blackhole',
        origin: 'CreateRoute',
      },
    ]);
    expect(table('rtb-a-private')?.routes.map((r) => r.target)).toEqual([
      { kind: 'local' },
      { kind: 'networkInterface', id: 'eni-fw' },
      { kind: 'vpcEndpoint', id: 'vpce-gwlb' },
    ]);
  });

  it('records a malformed destination or a route without target on its table, and goes on', () => {
    expect(table('rtb-a-main')?.malformed).toEqual([
      'Routes[8]: DestinationCidrBlock "10.1.300.0/24" is not a valid CIDR',
      'Routes[9]: has no target',
    ]);
    expect(table('rtb-b')?.malformed).toBeUndefined();
    expect(routing?.routeTables).toHaveLength(4);
  });

  it('reads peerings: status and both sides with every CIDR', () => {
    expect(routing?.peeringConnections).toEqual([
      {
        peeringConnectionId: 'pcx-ab',
        status: 'active',
        requester: { vpcId: 'vpc-a', ownerId: ACCOUNT, region: 'eu-west-1', cidrBlocks: ['10.1.0.0/16'] },
        accepter: {
          vpcId: 'vpc-b',
          ownerId: ACCOUNT,
          region: 'eu-west-1',
          cidrBlocks: ['10.2.0.0/16', '10.20.0.0/16', '2001:db8:2::/56'],
        },
      },
      {
        peeringConnectionId: 'pcx-pending',
        status: 'pending-acceptance',
        requester: { vpcId: 'vpc-a', ownerId: ACCOUNT, region: 'eu-west-1', cidrBlocks: ['10.1.0.0/16'] },
        accepter: { vpcId: 'vpc-far', ownerId: OTHER_ACCOUNT, region: 'us-east-1', cidrBlocks: [] },
      },
    ]);
  });

  it('reads TGW attachments with their association and subnets; a disassociating one has none', () => {
    expect(routing?.transitGatewayAttachments).toEqual([
      {
        attachmentId: 'tgw-attach-a',
        transitGatewayId: 'tgw-1',
        transitGatewayOwnerId: ACCOUNT,
        resourceType: 'vpc',
        resourceId: 'vpc-a',
        resourceOwnerId: ACCOUNT,
        state: 'available',
        associatedRouteTableId: 'tgw-rtb-1',
        subnetIds: ['subnet-a1', 'subnet-a2'],
      },
      expect.objectContaining({ attachmentId: 'tgw-attach-c', subnetIds: ['subnet-c1'] }),
      expect.not.objectContaining({ associatedRouteTableId: expect.anything() }),
    ]);
    expect(routing?.transitGatewayAttachments[2]).toMatchObject({
      attachmentId: 'tgw-attach-vpn',
      subnetIds: [],
    });
  });

  it('reads TGW route tables: static, propagated, blackhole and prefix-list routes; dead routes dropped', () => {
    const [tgwTable] = routing?.transitGatewayRouteTables ?? [];
    expect(tgwTable).toEqual({
      routeTableId: 'tgw-rtb-1',
      transitGatewayId: 'tgw-1',
      ownerId: ACCOUNT,
      routes: [
        {
          destination: { kind: 'cidr', cidr: '10.1.0.0/16' },
          attachmentIds: ['tgw-attach-a'],
          type: 'propagated',
          state: 'active',
        },
        {
          destination: { kind: 'cidr', cidr: '10.3.0.0/16' },
          attachmentIds: ['tgw-attach-c'],
          type: 'static',
          state: 'active',
        },
        {
          destination: { kind: 'cidr', cidr: '10.4.0.0/16' },
          attachmentIds: [],
          type: 'static',
          state: 'blackhole',
        },
        {
          destination: { kind: 'prefixList', prefixListId: 'pl-tgw' },
          attachmentIds: ['tgw-attach-vpn'],
          type: 'static',
          state: 'active',
        },
      ],
      associatedAttachmentIds: ['tgw-attach-a', 'tgw-attach-c'],
      propagatingAttachmentIds: ['tgw-attach-a'],
      malformed: ['Routes[5]: DestinationCidrBlock "not-a-cidr" is not a valid CIDR'],
    });
  });

  it('takes a TGW route table owner from the attachments when the recording has none', () => {
    const section = routingSection();
    for (const a of section.transitGatewayAttachments) a.TransitGatewayOwnerId = OTHER_ACCOUNT;
    const state = normaliseSnapshot(parsed(routingSnapshot(section))).routing;
    expect(state?.transitGatewayRouteTables[0]?.ownerId).toBe(OTHER_ACCOUNT);
  });

  it('reads virtual private gateways with their attached VPCs only', () => {
    expect(routing?.vpnGateways).toEqual([
      { vpnGatewayId: 'vgw-1', state: 'available', vpcIds: ['vpc-a'] },
      { vpnGatewayId: 'vgw-2', state: 'available', vpcIds: [] },
    ]);
  });

  it('fails naming the resource when an id the model needs is missing', () => {
    const section = routingSection();
    delete (section.transitGatewayAttachments[0] as { TransitGatewayId?: string }).TransitGatewayId;
    // Past the schema (which would refuse it), the normaliser names the attachment too.
    expect(() => normaliseSnapshot(routingSnapshot(section))).toThrow(SnapshotError);
    expect(() => normaliseSnapshot(routingSnapshot(section))).toThrow(
      'transit gateway attachment tgw-attach-a: missing TransitGatewayId',
    );
  });
});
