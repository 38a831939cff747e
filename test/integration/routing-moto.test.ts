// The routing loaders through a real moto server (docs/routing-aws.md): peerings with routes both ways,
// one way and none, a peering that is not active, a Transit Gateway with two spokes and a blackhole
// route, and a virtual private gateway route to an on-premises range. The account is built through the
// AWS API; the real loaders read it and the normaliser's RoutingState is asserted. Then end to end:
// `efsguard scan --rules efs-nfs-exposure` with and without allowedNetworks, and `efsguard explain` on an
// open and a blocked path, both with --endpoint-url (the CLI's clients get the same moto patches).
//
// Where moto departs from AWS the test setup works around it, never the product (docs/routing-aws.md,
// "Where moto departs from AWS"):
// - SearchTransitGatewayRoutes fails (HTTP 500) when the request has MaxResults, which the SDK's
//   paginator sends: the middleware below drops it on the test's client (moto answers in one page).
// - SearchTransitGatewayRoutes answers a static route to an attachment with TransitGatewayAttachments
//   empty: a middleware on the test's own EC2 client fills in the attachment the test routed to.
// - DescribeVpcPeeringConnections ignores the `requester-vpc-info.vpc-id` and `accepter-vpc-info.vpc-id`
//   filters and
//   DescribeTransitGatewayAttachments the `transit-gateway-attachment-id` filter (both answer every
//   item): the same middleware applies them to moto's answer.
// - moto never propagates VPC attachments' CIDRs into a TGW route table: the Transit Gateway is created
//   with default propagation disabled, so that AWS would show no propagated route either.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTransitGatewayCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  type DescribeTransitGatewayAttachmentsCommandOutput,
  DescribeTransitGatewayRouteTablesCommand,
  type DescribeVpcPeeringConnectionsCommandOutput,
  type Filter,
  type SearchTransitGatewayRoutesCommandOutput,
} from '@aws-sdk/client-ec2';
import { loadNeighbourhood } from '../../aws/load/neighbourhood';
import { loadRegion } from '../../aws/load/region';
import { type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { normaliseSnapshot } from '../../aws/snapshot/normalise';
import { parseSnapshot } from '../../aws/snapshot/schema';
import type { ScanReport } from '../../cli/output';
import type { RoutingState } from '../../core/model';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { AccountBuilder } from '../helpers/build-account';
import { runCli } from '../helpers/cli';
import { nfs } from '../helpers/fake-account';
import { type MotoServer, startMoto } from '../helpers/moto';

let moto: MotoServer;
let clients: AwsClients;
let routing: RoutingState;
const ids: Record<string, string> = {};
/** Static TGW routes the test created: destination -> attachment (moto's search answer drops it). */
const tgwRouteAttachments = new Map<string, string>();

/** The moto gaps above, patched on a client the test makes (its own, or the CLI's through createClients). */
function patchMotoRouting(target: AwsClients): AwsClients {
  target.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SearchTransitGatewayRoutesCommand')
        delete (args.input as { MaxResults?: number }).MaxResults;
      const result = await next(args);
      const filterValues = (name: string) =>
        ((args.input as { Filters?: Filter[] }).Filters ?? []).find((f) => f.Name === name)?.Values;
      if (context.commandName === 'DescribeVpcPeeringConnectionsCommand') {
        const output = result.output as DescribeVpcPeeringConnectionsCommandOutput;
        for (const [name, side] of [
          ['requester-vpc-info.vpc-id', 'RequesterVpcInfo'],
          ['accepter-vpc-info.vpc-id', 'AccepterVpcInfo'],
        ] as const) {
          const vpcs = filterValues(name);
          if (vpcs)
            output.VpcPeeringConnections = (output.VpcPeeringConnections ?? []).filter((p) =>
              vpcs.includes(p[side]?.VpcId ?? ''),
            );
        }
      }
      if (context.commandName === 'DescribeTransitGatewayAttachmentsCommand') {
        const output = result.output as DescribeTransitGatewayAttachmentsCommandOutput;
        const wanted = filterValues('transit-gateway-attachment-id');
        if (wanted)
          output.TransitGatewayAttachments = (output.TransitGatewayAttachments ?? []).filter((a) =>
            wanted.includes(a.TransitGatewayAttachmentId ?? ''),
          );
      }
      if (context.commandName === 'SearchTransitGatewayRoutesCommand') {
        const output = result.output as SearchTransitGatewayRoutesCommandOutput;
        for (const found of output.Routes ?? []) {
          const attachment = tgwRouteAttachments.get(found.DestinationCidrBlock ?? '');
          if (attachment && found.State === 'active' && (found.TransitGatewayAttachments ?? []).length === 0)
            found.TransitGatewayAttachments = [
              { TransitGatewayAttachmentId: attachment, ResourceType: 'vpc' },
            ];
        }
      }
      return result;
    },
    { step: 'initialize', name: 'motoTgwRouteAttachments' },
  );
  return target;
}

beforeAll(async () => {
  moto = await startMoto();
  clients = patchMotoRouting(createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' }));
  const b = new AccountBuilder(clients);
  for (const [name, cidr] of [
    ['a', '10.1.0.0/16'],
    ['b', '10.2.0.0/16'],
    ['c', '10.3.0.0/16'],
    ['d', '10.4.0.0/16'],
    ['e', '10.5.0.0/16'],
    ['f', '10.6.0.0/16'],
    ['g', '10.7.0.0/16'],
  ] as const) {
    ids[`vpc-${name}`] = await b.vpc(cidr);
    ids[`subnet-${name}`] = await b.subnet(
      ids[`vpc-${name}`] as string,
      cidr.replace('0.0/16', '1.0/24'),
      'us-east-1a',
    );
  }
  const vpc = (name: string) => ids[`vpc-${name}`] as string;

  // Peerings: A-B routes both ways, A-C one way (A to C only), A-D none, A-G never accepted.
  ids.pcxAB = await b.peering(vpc('a'), vpc('b'));
  ids.pcxAC = await b.peering(vpc('a'), vpc('c'));
  ids.pcxAD = await b.peering(vpc('a'), vpc('d'));
  ids.pcxAG = await b.peering(vpc('a'), vpc('g'), false);
  await b.route(vpc('a'), '10.2.0.0/16', { VpcPeeringConnectionId: ids.pcxAB });
  await b.route(vpc('b'), '10.1.0.0/16', { VpcPeeringConnectionId: ids.pcxAB });
  await b.route(vpc('a'), '10.3.0.0/16', { VpcPeeringConnectionId: ids.pcxAC });
  await b.route(vpc('a'), '10.7.0.0/16', { VpcPeeringConnectionId: ids.pcxAG });

  // A Transit Gateway with spokes E and F, a route E <-> F and a blackhole.
  const tgw = await clients.ec2.send(
    new CreateTransitGatewayCommand({ Options: { DefaultRouteTablePropagation: 'disable' } }),
  );
  ids.tgw = tgw.TransitGateway?.TransitGatewayId as string;
  for (const name of ['e', 'f']) {
    const attachment = await clients.ec2.send(
      new CreateTransitGatewayVpcAttachmentCommand({
        TransitGatewayId: ids.tgw,
        VpcId: vpc(name),
        SubnetIds: [ids[`subnet-${name}`] as string],
      }),
    );
    ids[`attach-${name}`] = attachment.TransitGatewayVpcAttachment?.TransitGatewayAttachmentId as string;
  }
  const tables = await clients.ec2.send(
    new DescribeTransitGatewayRouteTablesCommand({
      Filters: [{ Name: 'transit-gateway-id', Values: [ids.tgw] }],
    }),
  );
  ids.tgwTable = tables.TransitGatewayRouteTables?.[0]?.TransitGatewayRouteTableId as string;
  for (const [cidr, spoke] of [
    ['10.5.0.0/16', 'e'],
    ['10.6.0.0/16', 'f'],
  ] as const) {
    const attachment = ids[`attach-${spoke}`] as string;
    await clients.ec2.send(
      new CreateTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: ids.tgwTable,
        DestinationCidrBlock: cidr,
        TransitGatewayAttachmentId: attachment,
      }),
    );
    tgwRouteAttachments.set(cidr, attachment);
  }
  await clients.ec2.send(
    new CreateTransitGatewayRouteCommand({
      TransitGatewayRouteTableId: ids.tgwTable,
      DestinationCidrBlock: '10.99.0.0/16',
      Blackhole: true,
    }),
  );
  await b.route(vpc('e'), '10.6.0.0/16', { TransitGatewayId: ids.tgw });
  await b.route(vpc('f'), '10.5.0.0/16', { TransitGatewayId: ids.tgw });

  // A virtual private gateway on A with a static route to an on-premises range.
  ids.vgw = await b.vpnGateway(vpc('a'));
  await b.route(vpc('a'), '192.168.0.0/16', { GatewayId: ids.vgw });

  // A file system in A whose mount-target group admits NFS from B (peered, routes both ways), from C
  // (peered, but C has no route back to A) and from the on-premises range behind the VPN gateway.
  ids.mtGroup = await b.group(vpc('a'), 'mt-a', {
    ingress: [
      nfs({ IpRanges: [{ CidrIp: '10.2.0.0/16' }] }),
      nfs({ IpRanges: [{ CidrIp: '10.3.0.0/16' }] }),
      nfs({ IpRanges: [{ CidrIp: '192.168.0.0/16' }] }),
    ],
  });
  ids.fs = await b.fileSystem('routed');
  ids.mt = (await b.mountTarget(ids.fs, ids['subnet-a'] as string, [ids.mtGroup])).mountTargetId;

  const snapshot = await loadRegion(clients, { parts: ['network', 'routing'], accountId: MOTO_ACCOUNT_ID });
  // Through the file format too: what `efsguard snapshot` writes is what `scan --snapshot` reads.
  routing = normaliseSnapshot(parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).routing as RoutingState;
});

afterAll(async () => {
  if (clients) destroyAwsClients(clients);
  await moto?.stop();
});

const tableOf = (vpcName: string) => {
  const tables = routing.routeTables.filter((t) => t.vpcId === ids[`vpc-${vpcName}`]);
  expect(tables).toHaveLength(1);
  return tables[0] as RoutingState['routeTables'][number];
};
const routesOf = (vpcName: string) =>
  tableOf(vpcName).routes.map((r) => [
    r.destination.kind === 'cidr' ? r.destination.cidr : '',
    r.target,
    r.state,
  ]);

describe('routing loaded from moto', () => {
  it('a peering with routes both ways, one way and none', () => {
    expect(tableOf('a')).toMatchObject({ main: true, ownerId: MOTO_ACCOUNT_ID });
    expect(routesOf('a')).toEqual(
      expect.arrayContaining([
        ['10.1.0.0/16', { kind: 'local' }, 'active'],
        ['10.2.0.0/16', { kind: 'peering', id: ids.pcxAB }, 'active'],
        ['10.3.0.0/16', { kind: 'peering', id: ids.pcxAC }, 'active'],
      ]),
    );
    expect(routesOf('b')).toContainEqual(['10.1.0.0/16', { kind: 'peering', id: ids.pcxAB }, 'active']);
    // C has no route back, D none at all: only their local routes.
    expect(routesOf('c')).toEqual([['10.3.0.0/16', { kind: 'local' }, 'active']]);
    expect(routesOf('d')).toEqual([['10.4.0.0/16', { kind: 'local' }, 'active']]);
    const peering = routing.peeringConnections.find((p) => p.peeringConnectionId === ids.pcxAB);
    expect(peering).toEqual({
      peeringConnectionId: ids.pcxAB,
      status: 'active',
      requester: {
        vpcId: ids['vpc-a'],
        ownerId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        cidrBlocks: ['10.1.0.0/16'],
      },
      accepter: {
        vpcId: ids['vpc-b'],
        ownerId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        cidrBlocks: ['10.2.0.0/16'],
      },
    });
  });

  it('a peering that is not active keeps its status (and the route to it)', () => {
    const pending = routing.peeringConnections.find((p) => p.peeringConnectionId === ids.pcxAG);
    expect(pending?.status).toBe('pending-acceptance');
    expect(routesOf('a')).toContainEqual(['10.7.0.0/16', { kind: 'peering', id: ids.pcxAG }, 'active']);
    expect(routing.peeringConnections.filter((p) => p.status === 'active')).toHaveLength(3);
  });

  it('a Transit Gateway with two spokes and a blackhole route', () => {
    expect(routing.transitGatewayAttachments).toEqual([
      expect.objectContaining({
        resourceType: 'vpc',
        state: 'available',
        associatedRouteTableId: ids.tgwTable,
      }),
      expect.objectContaining({
        resourceType: 'vpc',
        state: 'available',
        associatedRouteTableId: ids.tgwTable,
      }),
    ]);
    const spokeE = routing.transitGatewayAttachments.find((a) => a.resourceId === ids['vpc-e']);
    expect(spokeE).toMatchObject({
      attachmentId: ids['attach-e'],
      transitGatewayId: ids.tgw,
      transitGatewayOwnerId: MOTO_ACCOUNT_ID,
      subnetIds: [ids['subnet-e']],
    });
    const [table] = routing.transitGatewayRouteTables;
    expect(table).toMatchObject({
      routeTableId: ids.tgwTable,
      transitGatewayId: ids.tgw,
      ownerId: MOTO_ACCOUNT_ID,
      associatedAttachmentIds: [ids['attach-e'], ids['attach-f']].sort(),
      propagatingAttachmentIds: [],
    });
    expect(table?.routes).toEqual(
      expect.arrayContaining([
        {
          destination: { kind: 'cidr', cidr: '10.5.0.0/16' },
          attachmentIds: [ids['attach-e']],
          type: 'static',
          state: 'active',
        },
        {
          destination: { kind: 'cidr', cidr: '10.6.0.0/16' },
          attachmentIds: [ids['attach-f']],
          type: 'static',
          state: 'active',
        },
        {
          destination: { kind: 'cidr', cidr: '10.99.0.0/16' },
          attachmentIds: [],
          type: 'static',
          state: 'blackhole',
        },
      ]),
    );
    expect(routesOf('e')).toContainEqual(['10.6.0.0/16', { kind: 'transitGateway', id: ids.tgw }, 'active']);
  });

  it('a VPN gateway route to an on-premises range', () => {
    expect(routing.vpnGateways).toEqual([
      { vpnGatewayId: ids.vgw, state: 'available', vpcIds: [ids['vpc-a']] },
    ]);
    expect(routesOf('a')).toContainEqual(['192.168.0.0/16', { kind: 'vpnGateway', id: ids.vgw }, 'active']);
  });

  it('the neighbourhood of a route-table change reads the same routing for the VPCs around it', async () => {
    const rtb = tableOf('e').routeTableId;
    const snapshot = await loadNeighbourhood(
      clients,
      [{ resourceType: 'AWS::EC2::RouteTable', resourceId: rtb }],
      {
        accountId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        parts: ['network', 'routing'],
      },
    );
    const near = normaliseSnapshot(snapshot).routing as RoutingState;
    expect(near.routeTables.map((t) => t.vpcId).sort()).toEqual([ids['vpc-e'], ids['vpc-f']].sort());
    expect(near.transitGatewayRouteTables).toEqual(routing.transitGatewayRouteTables);
    expect(near.peeringConnections).toEqual([]);
  });
});

describe('efs-nfs-exposure and explain through the CLI against moto', () => {
  const EXPOSURE = 'efs-nfs-exposure';
  /** The CLI's clients get the same moto patches as the test's own. */
  const deps = {
    createClients: (options: Parameters<typeof createAwsClients>[0]) =>
      patchMotoRouting(createAwsClients(options)),
  };
  const scan = async (params?: object) => {
    const argv = ['scan', '--endpoint-url', moto.endpoint, '--rules', EXPOSURE, '--format', 'json'];
    if (params) {
      const file = join(mkdtempSync(join(tmpdir(), 'efsguard-exposure-')), 'params.json');
      writeFileSync(file, JSON.stringify({ [EXPOSURE]: params }));
      argv.push('--params', file);
    }
    const result = await runCli(argv, deps, { env: { AWS_REGION: 'us-east-1' } });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as ScanReport;
    const verdict = report.evaluations.find((e) => e.rule === EXPOSURE && e.resourceId === ids.fs);
    return { code: result.code, verdict };
  };

  it('names the peered VPC and the on-premises range that reach the mount target, not the one-way peer', async () => {
    const { code, verdict } = await scan();
    expect(code).toBe(0); // --exit-code not given
    expect(verdict?.complianceType).toBe('NON_COMPLIANT');
    // Only B's subnet holds sources: its range is what reaches.
    expect(verdict?.annotation).toContain(
      `${ids.mt} reachable from ${ids.pcxAB} to ${ids['vpc-b']} (10.2.1.0/24)`,
    );
    // Whether the customer network sends the range over the VPN, efsguard cannot see: possibly reaching.
    expect(verdict?.annotation).toContain(
      `${ids.mt} possibly reachable from ${ids.vgw} (on-premises) (192.168.0.0/16): cannot check every hop`,
    );
    expect(verdict?.unresolved).toBe(true);
    // C is admitted by the group and peered, but no route leads from C to A.
    expect(verdict?.annotation).not.toContain(ids['vpc-c'] as string);
  });

  it('is COMPLIANT once allowedNetworks names the peering and the VPN gateway', async () => {
    const { code, verdict } = await scan({ allowedNetworks: `${ids.pcxAB},${ids.vgw}` });
    expect(verdict).toMatchObject({ complianceType: 'COMPLIANT' });
    expect(code).toBe(0);
  });

  it('a CIDR item allows only a network whose whole reaching range lies inside it', async () => {
    const narrow = await scan({ allowedNetworks: `10.2.1.0/25,${ids.vgw}` });
    expect(narrow.verdict?.complianceType).toBe('NON_COMPLIANT');
    const wide = await scan({ allowedNetworks: `10.2.0.0/16,${ids.vgw}` });
    expect(wide.verdict?.complianceType).toBe('COMPLIANT');
  });

  type Explained = {
    paths: {
      source: string;
      mountTarget: string;
      reachable: boolean | 'unknown';
      hops: { hop: string; verdict: string; by: string }[];
    }[];
  };
  const explain = async (source: string) => {
    const result = await runCli(
      [
        'explain',
        '--endpoint-url',
        moto.endpoint,
        '--file-system',
        ids.fs as string,
        '--source',
        source,
        '--format',
        'json',
      ],
      deps,
      { env: { AWS_REGION: 'us-east-1' } },
    );
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Explained;
  };

  it('explain shows an open path from the peered VPC, every hop allowing', async () => {
    const { paths } = await explain('10.2.1.0/24');
    expect(paths).toHaveLength(1);
    const [path] = paths;
    expect(path).toMatchObject({ mountTarget: ids.mt, reachable: true });
    expect(path?.hops.every((h) => h.verdict === 'allow')).toBe(true);
    expect(path?.hops.map((h) => h.by).join(' ')).toContain(ids.pcxAB as string);
  });

  it('explain marks the missing forward route from the one-way peer as the blocking hop', async () => {
    const { paths } = await explain('10.3.1.0/24');
    const [path] = paths;
    expect(path).toMatchObject({ mountTarget: ids.mt, reachable: false });
    const blocking = path?.hops.find((h) => h.verdict === 'deny');
    expect(blocking?.hop).toMatch(/route/);
    // The group admits the range: only routing blocks it.
    expect(path?.hops.find((h) => h.hop === 'mount target security groups in')?.verdict).toBe('allow');
  });
});
