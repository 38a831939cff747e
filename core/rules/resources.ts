// Where each resource type lives in a Topology: the one table defineRule (core/rules/define.ts) reads to
// list a sweep's resources, tell a present resource from a gone one and hand a judge its resource.
import { IamStateNotLoadedError } from '../iam';
import {
  type AccessPoint,
  type FileSystem,
  IAM_PRINCIPAL_TYPES,
  type IamManagedPolicy,
  type IamPrincipal,
  type IamState,
  type NetworkAcl,
  type NetworkInterface,
  type SecurityGroup,
  type Topology,
} from '../model';
import { indexTopology, interfacesInIdOrder } from '../topology-index';

/** The model object behind each resource type. */
export interface ResourceOfType {
  'AWS::EC2::SecurityGroup': SecurityGroup;
  'AWS::EC2::NetworkInterface': NetworkInterface;
  'AWS::EC2::NetworkAcl': NetworkAcl;
  'AWS::EFS::FileSystem': FileSystem;
  'AWS::EFS::AccessPoint': AccessPoint;
  'AWS::IAM::Policy': IamManagedPolicy;
  'AWS::IAM::Role': IamPrincipal;
  'AWS::IAM::User': IamPrincipal;
  'AWS::IAM::Group': IamPrincipal;
}

/** The types a rule can post verdicts on (the routing types only trigger evaluations). */
export type ReportedResourceType = keyof ResourceOfType;

/**
 * The resources of one type, by id, in topology order. A snapshot file with a repeated id is refused
 * (aws/snapshot/schema.ts findDuplicateIds); a live load has one only if AWS lists a resource twice.
 * Should one get through, the indexed tables (groups, interfaces, ACLs) keep the last copy and the
 * others the first.
 */
export type ResourceLookup = <T extends ReportedResourceType>(
  type: T,
) => ReadonlyMap<string, ResourceOfType[T]>;

function byId<T>(items: readonly T[], idOf: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const id = idOf(item);
    if (!map.has(id)) map.set(id, item);
  }
  return map;
}

type Tables = {
  [T in ReportedResourceType]: (
    topology: Topology,
    iam: () => IamState,
  ) => ReadonlyMap<string, ResourceOfType[T]>;
};

const principals =
  (kind: IamPrincipal['kind']) =>
  (_topology: Topology, iam: () => IamState): ReadonlyMap<string, IamPrincipal> =>
    byId(
      iam().principals.filter((principal) => principal.kind === kind),
      (principal) => principal.id,
    );

/**
 * A list already in the order of its ids, each once, as the table by id: walking it gives what the
 * table would (a Map lists its keys in insertion order), so a sweep builds no table; a lookup by id
 * asks the real one, built on first use.
 */
class SortedList<T> implements ReadonlyMap<string, T> {
  constructor(
    private readonly items: readonly T[],
    private readonly idOf: (item: T) => string,
    private readonly table: () => ReadonlyMap<string, T>,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get(id: string): T | undefined {
    return this.table().get(id);
  }

  has(id: string): boolean {
    return this.table().has(id);
  }

  forEach(callback: (item: T, id: string, map: ReadonlyMap<string, T>) => void): void {
    for (const item of this.items) callback(item, this.idOf(item), this);
  }

  *entries(): MapIterator<[string, T]> {
    for (const item of this.items) yield [this.idOf(item), item];
  }

  *keys(): MapIterator<string> {
    for (const item of this.items) yield this.idOf(item);
  }

  values(): MapIterator<T> {
    return this.items.values();
  }

  [Symbol.iterator](): MapIterator<[string, T]> {
    return this.entries();
  }
}

/**
 * The interfaces by id: in id order (as the normaliser leaves them), a sweep walks the list instead
 * of building a table of 160,000 entries (scale 16); any other list goes through the table.
 */
const interfaceTable = (topology: Topology): ReadonlyMap<string, NetworkInterface> => {
  const table = () => indexTopology(topology).interfacesById;
  return interfacesInIdOrder(topology)
    ? new SortedList(topology.networkInterfaces, (eni) => eni.networkInterfaceId, table)
    : table();
};

const TABLES: Tables = {
  'AWS::EC2::SecurityGroup': (topology) => indexTopology(topology).groupsById,
  'AWS::EC2::NetworkInterface': interfaceTable,
  'AWS::EC2::NetworkAcl': (topology) => indexTopology(topology).networkAclsById,
  'AWS::EFS::FileSystem': (topology) => byId(topology.fileSystems, (fs) => fs.fileSystemId),
  'AWS::EFS::AccessPoint': (topology) => byId(topology.accessPoints, (ap) => ap.accessPointId),
  'AWS::IAM::Policy': (_topology, iam) => byId(iam().policies, (policy) => policy.policyId),
  [IAM_PRINCIPAL_TYPES.role]: principals('role'),
  [IAM_PRINCIPAL_TYPES.user]: principals('user'),
  [IAM_PRINCIPAL_TYPES.group]: principals('group'),
};

/**
 * The lookup of one evaluation: each type's table is built once, on first use. Asking for an IAM type
 * of a topology without IAM state throws IamStateNotLoadedError: never read "not loaded" as "none".
 */
export function lookupResources(topology: Topology, ruleId: string): ResourceLookup {
  const built = new Map<ReportedResourceType, ReadonlyMap<string, unknown>>();
  const iam = (): IamState => {
    if (!topology.iam) throw new IamStateNotLoadedError(ruleId);
    return topology.iam;
  };
  return <T extends ReportedResourceType>(type: T) => {
    let table = built.get(type);
    if (!table) {
      table = TABLES[type](topology, iam);
      built.set(type, table);
    }
    return table as ReadonlyMap<string, ResourceOfType[T]>;
  };
}
