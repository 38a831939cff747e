import type { MountTarget } from '../../../../core/model';
import {
  buildNfsGraph,
  fileSystemsAdmitting,
  listNfsPairs,
  sharedAddressFamilies,
} from '../../../../core/net/nfs-paths';
import { allTraffic, cidr, standardNfs } from '../../../fixtures/topology-builder';

const V4_CLIENT = '10.0.1.10';
const V6_CLIENT = '2600:1f18:aaaa:bb01::10';
const V4_MT = '10.0.2.10';
const V6_MT = '2600:1f18:aaaa:bb02::10';

type Stack = 'v4' | 'v6' | 'dual';
const addresses = (stack: Stack, v4: string, v6: string) => ({
  ...(stack === 'v6' ? {} : { ip: v4 }),
  ...(stack === 'v4' ? {} : { ipv6: v6 }),
});

function pairsOf(
  client: Stack,
  mt: Stack,
  egress = [allTraffic(cidr('0.0.0.0/0')), allTraffic(cidr('::/0'))],
) {
  const topology = standardNfs()
    .networkInterface('eni-client', {
      subnet: 'subnet-a',
      groups: ['sg-client'],
      ...addresses(client, V4_CLIENT, V6_CLIENT),
    })
    .mountTarget('fsmt-b', {
      fs: 'fs-1',
      subnet: 'subnet-b',
      groups: ['sg-mt'],
      ...addresses(mt, V4_MT, V6_MT),
    })
    .securityGroup('sg-client', { egress })
    .build();
  return listNfsPairs(topology).map(({ family, clientAddress, mountTargetAddress }) => ({
    family,
    clientAddress,
    mountTargetAddress,
  }));
}

describe('listNfsPairs address families', () => {
  const v4 = { family: 'ipv4', clientAddress: V4_CLIENT, mountTargetAddress: V4_MT };
  const v6 = { family: 'ipv6', clientAddress: V6_CLIENT, mountTargetAddress: V6_MT };

  it.each([
    ['v4', 'v4', [v4]],
    ['v4', 'dual', [v4]],
    ['dual', 'dual', [v4]],
    ['dual', 'v4', [v4]],
    ['v6', 'dual', [v6]],
    ['dual', 'v6', [v6]],
    ['v6', 'v6', [v6]],
    // No common address family: no NFS traffic, so no pair.
    ['v6', 'v4', []],
    ['v4', 'v6', []],
  ] as const)('a %s client and a %s mount target -> %j', (client, mt, expected) => {
    expect(pairsOf(client, mt)).toEqual(expected);
  });

  it('falls back to IPv6 when egress reaches only the IPv6 address', () => {
    expect(pairsOf('dual', 'dual', [allTraffic(cidr('::/0'))])).toEqual([v6]);
    expect(pairsOf('v6', 'dual', [allTraffic(cidr('0.0.0.0/0'))])).toEqual([]);
  });

  it('lists the shared families, IPv4 first', () => {
    const topology = standardNfs()
      .networkInterface('eni-v6', { subnet: 'subnet-a', groups: [], ipv6: V6_CLIENT })
      .networkInterface('eni-dual', { subnet: 'subnet-a', groups: [], ip: V4_CLIENT, ipv6: V6_CLIENT })
      .mountTarget('fsmt-dual', { fs: 'fs-1', subnet: 'subnet-b', groups: [], ip: V4_MT, ipv6: V6_MT })
      .build();
    const eni = (id: string) => topology.networkInterfaces.find((e) => e.networkInterfaceId === id);
    const mt = (id: string) => topology.mountTargets.find((m) => m.mountTargetId === id);
    const shared = (eniId: string, mtId: string) => {
      const client = eni(eniId);
      const target = mt(mtId);
      if (!client || !target) throw new Error('fixture');
      return sharedAddressFamilies(client, target);
    };
    expect(shared('eni-dual', 'fsmt-dual')).toEqual(['ipv4', 'ipv6']);
    expect(shared('eni-v6', 'fsmt-dual')).toEqual(['ipv6']);
    expect(shared('eni-v6', 'fsmt-b')).toEqual([]);
    expect(shared('eni-client', 'fsmt-dual')).toEqual(['ipv4']);
  });
});

describe('listNfsPairs with a repeated interface id', () => {
  it('pairs the copy that the table by id holds: the last in the list', () => {
    const built = standardNfs().build();
    const client = built.networkInterfaces.find((eni) => eni.networkInterfaceId === 'eni-client');
    if (!client) throw new Error('standardNfs has eni-client');
    const laterCopy = { ...client, primaryPrivateIp: '10.0.1.11', privateIpAddresses: ['10.0.1.11'] };
    for (const networkInterfaces of [
      [...built.networkInterfaces, laterCopy],
      [laterCopy, ...built.networkInterfaces].reverse(),
    ]) {
      const pairs = listNfsPairs({ ...built, networkInterfaces });
      expect(pairs.map((pair) => pair.clientAddress)).toEqual(['10.0.1.11']);
    }
    // In id order, each id once: the client itself.
    expect(listNfsPairs(built).map((pair) => pair.clientAddress)).toEqual(['10.0.1.10']);
  });
});

describe('buildNfsGraph admittedBy', () => {
  it('lists the mount targets admitting a client by file system, then by mount target', () => {
    // Ids chosen so that mount-target order alone would interleave the two file systems.
    const built = standardNfs()
      .mountTarget('fsmt-y', { fs: 'fs-1', subnet: 'subnet-b', ip: '10.0.2.40', groups: ['sg-mt'] })
      .mountTarget('fsmt-0', { fs: 'fs-2', subnet: 'subnet-b', ip: '10.0.2.20', groups: ['sg-mt'] })
      .mountTarget('fsmt-z', { fs: 'fs-2', subnet: 'subnet-b', ip: '10.0.2.30', groups: ['sg-mt'] })
      .build();
    const admitting = buildNfsGraph(built).admittedBy.get('eni-client') ?? [];
    const ids = (list: readonly MountTarget[]) => list.map((mt) => `${mt.fileSystemId} ${mt.mountTargetId}`);
    expect(ids(admitting)).toEqual(['fs-1 fsmt-b', 'fs-1 fsmt-y', 'fs-2 fsmt-0', 'fs-2 fsmt-z']);
    expect(fileSystemsAdmitting(admitting).map(ids)).toEqual([
      ['fs-1 fsmt-b', 'fs-1 fsmt-y'],
      ['fs-2 fsmt-0', 'fs-2 fsmt-z'],
    ]);
  });
});
