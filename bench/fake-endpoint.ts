// A loopback AWS endpoint for the sweep benchmark, in its own process: it serves a snapshot file's
// resources (routing included: fake-endpoint-routing.ts) as the EC2 (query protocol, XML), EFS (REST
// JSON) and Config (JSON) APIs answer them, so the swept function loads through the real SDK clients and
// loaders over HTTP, and the data it is served does not sit in the swept process's heap.
// Usage: node --import tsx bench/fake-endpoint.ts <snapshot.json>   (prints "listening <port>")
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Snapshot } from '../aws/snapshot/format';
import { emptyRouting } from '../aws/snapshot/format-routing';
import { ROUTING_XML_NAMES, routingLists } from './fake-endpoint-routing';

const file = process.argv[2];
if (!file) throw new Error('usage: fake-endpoint <snapshot.json>');
const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;

// ---- EC2: query protocol requests, XML answers ----

/** SDK member names whose EC2 XML name is not simply the member name with a lower-case first letter. */
const XML_NAMES: Readonly<Record<string, string>> = {
  SecurityGroups: 'securityGroupInfo',
  Description: 'groupDescription',
  UserIdGroupPairs: 'groups',
  Tags: 'tagSet',
  TagSet: 'tagSet',
  NetworkInterfaces: 'networkInterfaceSet',
  Groups: 'groupSet',
  PrivateIpAddresses: 'privateIpAddressesSet',
  Ipv6Addresses: 'ipv6AddressesSet',
  NetworkAcls: 'networkAclSet',
  Entries: 'entrySet',
  Associations: 'associationSet',
  IsDefault: 'default',
  Vpcs: 'vpcSet',
  Subnets: 'subnetSet',
  PrefixLists: 'prefixListSet',
  ...ROUTING_XML_NAMES,
};

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function toXml(
  value: unknown,
  parts: string[],
  context?: string,
  names: Readonly<Record<string, string>> = XML_NAMES,
): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      parts.push('<item>');
      toXml(item, parts, context, names);
      parts.push('</item>');
    }
  } else if (value instanceof Date) {
    parts.push(value.toISOString());
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || item === null) continue;
      // A group's Description is groupDescription; an interface's, a rule's or a range's is description.
      const name =
        key === 'Description' && context !== 'group'
          ? 'description'
          : (names[key] ?? key[0]?.toLowerCase() + key.slice(1));
      parts.push(`<${name}>`);
      toXml(item, parts, key === 'SecurityGroups' ? 'group' : undefined, names);
      parts.push(`</${name}>`);
    }
  } else {
    parts.push(escapeXml(String(value)));
  }
}

function byVpc<T extends { VpcId?: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(item.VpcId ?? '');
    if (list) list.push(item);
    else map.set(item.VpcId ?? '', [item]);
  }
  return map;
}

const EC2_LISTS: Record<
  string,
  {
    key: string;
    items: readonly { VpcId?: string }[];
    perVpc?: Map<string, unknown[]>;
    xmlNames?: Readonly<Record<string, string>>;
  }
> = {
  // A network ACL's IsDefault is <default>; a VPC's is <isDefault>.
  DescribeVpcs: { key: 'Vpcs', items: snapshot.vpcs, xmlNames: { IsDefault: 'isDefault' } },
  DescribeSubnets: { key: 'Subnets', items: snapshot.subnets },
  DescribeSecurityGroups: { key: 'SecurityGroups', items: snapshot.securityGroups },
  DescribeNetworkInterfaces: { key: 'NetworkInterfaces', items: snapshot.networkInterfaces },
  DescribeNetworkAcls: { key: 'NetworkAcls', items: snapshot.networkAcls },
};
for (const list of Object.values(EC2_LISTS)) list.perVpc = byVpc(list.items);
const ROUTING_LISTS = routingLists(snapshot.routing ?? emptyRouting());

function ec2(params: URLSearchParams): string {
  const action = params.get('Action') ?? '';
  const filters = new Map<string, string[]>();
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    const values: string[] = [];
    for (let j = 1; params.has(`Filter.${i}.Value.${j}`); j++)
      values.push(params.get(`Filter.${i}.Value.${j}`) ?? '');
    filters.set(params.get(`Filter.${i}.Name`) ?? '', values);
  }
  let key: string;
  let items: readonly unknown[];
  let names = XML_NAMES;
  const list = EC2_LISTS[action];
  const routingList = ROUTING_LISTS[action];
  if (routingList) {
    key = routingList.key;
    names = { ...XML_NAMES, ...routingList.xmlNames };
    const matchers = [...filters].map(([name, values]) => {
      const valuesOf = routingList.filters[name];
      if (!valuesOf) throw new Error(`${action}: filter ${name}`);
      return (item: unknown) =>
        valuesOf(item as never).some((value) => value !== undefined && values.includes(value));
    });
    items = routingList.items(params).filter((item) => matchers.every((matches) => matches(item)));
  } else if (list) {
    key = list.key;
    names = { ...XML_NAMES, ...list.xmlNames };
    const vpcIds = filters.get('vpc-id');
    for (const name of filters.keys()) if (name !== 'vpc-id') throw new Error(`${action}: filter ${name}`);
    items = vpcIds ? vpcIds.flatMap((vpcId) => list.perVpc?.get(vpcId) ?? []) : list.items;
  } else if (action === 'DescribeManagedPrefixLists') {
    key = 'PrefixLists';
    const ids = filters.get('prefix-list-id');
    items = snapshot.managedPrefixLists
      .filter((pl) => !ids || ids.includes(pl.PrefixListId))
      .map(({ Entries: _entries, ...rest }) => rest);
  } else if (action === 'GetManagedPrefixListEntries') {
    key = 'Entries';
    items =
      snapshot.managedPrefixLists.find((pl) => pl.PrefixListId === params.get('PrefixListId'))?.Entries ?? [];
  } else {
    throw new Error(`unsupported EC2 action ${action}`);
  }
  const start = Number(params.get('NextToken') ?? 0);
  const size = Number(params.get('MaxResults') ?? 1000);
  const page = items.slice(start, start + size);
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>bench</requestId>`,
  ];
  toXml({ [key]: page }, parts, undefined, names);
  if (start + size < items.length) parts.push(`<nextToken>${start + size}</nextToken>`);
  parts.push(`</${action}Response>`);
  return parts.join('');
}

// ---- EFS: REST JSON ----

const fileSystems = snapshot.fileSystems.map(({ MountTargets: _m, Policy: _p, ...fs }) => ({
  ...fs,
  CreationTime: new Date(fs.CreationTime ?? 0).getTime() / 1000,
}));
const mountTargetsOf = new Map(
  snapshot.fileSystems.map((fs) => [
    fs.FileSystemId,
    fs.MountTargets.map(({ SecurityGroups: _s, ...mt }) => mt),
  ]),
);
const groupsOfMountTarget = new Map(
  snapshot.fileSystems.flatMap((fs) =>
    fs.MountTargets.map((mt) => [mt.MountTargetId, mt.SecurityGroups] as const),
  ),
);

function efs(url: URL): unknown {
  const path = url.pathname;
  if (path === '/2015-02-01/file-systems') {
    const start = Number(url.searchParams.get('Marker') ?? 0);
    const size = Number(url.searchParams.get('MaxItems') ?? 100);
    const next = start + size < fileSystems.length ? { NextMarker: String(start + size) } : {};
    return { FileSystems: fileSystems.slice(start, start + size), ...next };
  }
  if (path === '/2015-02-01/mount-targets') {
    return { MountTargets: mountTargetsOf.get(url.searchParams.get('FileSystemId') ?? '') ?? [] };
  }
  const groups = /^\/2015-02-01\/mount-targets\/([^/]+)\/security-groups$/.exec(path);
  if (groups) return { SecurityGroups: groupsOfMountTarget.get(groups[1] ?? '') ?? [] };
  throw new Error(`unsupported EFS path ${path}`);
}

// ---- Config: JSON 1.1 ----

function config(target: string): unknown {
  if (target.endsWith('.PutEvaluations')) return { FailedEvaluations: [] };
  if (target.endsWith('.GetComplianceDetailsByConfigRule')) return { EvaluationResults: [] };
  throw new Error(`unsupported Config target ${target}`);
}

function answer(request: IncomingMessage, body: string, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const target = request.headers['x-amz-target'];
  // Each answer is made before the headers are written: a refused call still gets its 400.
  if (typeof target === 'string') {
    const text = JSON.stringify(config(target));
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(text);
  } else if (request.method === 'POST') {
    const text = ec2(new URLSearchParams(body));
    response.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
    response.end(text);
  } else {
    const text = JSON.stringify(efs(url));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(text);
  }
}

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    body += chunk;
  });
  request.on('end', () => {
    try {
      answer(request, body, response);
    } catch (error) {
      process.stderr.write(`fake endpoint: ${(error as Error).message}\n`);
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ __type: 'ValidationException', message: (error as Error).message }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
