// efs-access-point-posix-identity: each access point enforces a POSIX user and a root directory below '/'.
// An access point "applies an operating system user and group, and a file system path, to any file system
// request made through the access point. The operating system user and group override any identity
// information provided by the NFS client" (CreateAccessPoint, Amazon EFS API reference). Without a POSIX
// user the client's asserted uid is used; with root directory '/' the whole file system is exposed.
import { composeAnnotation } from '../annotation';
import type { AccessPoint } from '../model';
import { listParam, parameter } from '../params';
import { compliant, defineRule, nonCompliant, type Verdict } from './define';

export const RULE_ID = 'efs-access-point-posix-identity';

const AP = 'AWS::EFS::AccessPoint' as const;

/** uid/gid 0 is root: an access point that enforces it makes every client root under its directory. */
export const ROOT_ID = 0;
/** POSIX ids on EFS are 0 to 2^32-1 (PosixUser, Amazon EFS API reference). */
const MAX_POSIX_ID = 4294967295;

function parsePosixId(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_POSIX_ID)
    throw new Error(`"${text}" is not a POSIX id (0-${MAX_POSIX_ID})`);
  return Number(text);
}

/** Collapses repeated slashes and drops a trailing slash: '/data//app/' -> '/data/app'. */
export function normalisePath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** An approved directory: an exact absolute path, or 'path/*' for any directory strictly below path. */
export interface DirectoryPattern {
  readonly path: string;
  readonly subtree: boolean;
}

function parseDirectory(text: string): DirectoryPattern {
  const subtree = text.endsWith('/*');
  const path = normalisePath(subtree ? text.slice(0, -2) || '/' : text);
  if (!path.startsWith('/')) throw new Error(`"${text}" is not an absolute path`);
  if (path.includes('*')) throw new Error(`"${text}": only a trailing '/*' may hold a wildcard`);
  return { path, subtree };
}

export function matchesDirectory(pattern: DirectoryPattern, directory: string): boolean {
  if (!pattern.subtree) return pattern.path === directory;
  const prefix = pattern.path === '/' ? '/' : `${pattern.path}/`;
  return directory.startsWith(prefix) && directory.length > prefix.length;
}

export interface AccessPointParameters {
  readonly approvedUids: readonly number[];
  readonly approvedGids: readonly number[];
  readonly approvedDirectories: readonly DirectoryPattern[];
}

/** Findings against one access point; empty when compliant. */
export function findAccessPointIssues(accessPoint: AccessPoint, params: AccessPointParameters): string[] {
  const findings: string[] = [];
  const user = accessPoint.posixUser;
  if (!user) {
    findings.push('enforces no POSIX user: clients act as any uid they assert, root included');
  } else {
    // An approved list, when given, is the whole truth; without one, only root is refused (it must be
    // approved explicitly, and it also needs ClientRootAccess: "Enforcing a user identity", EFS User Guide).
    const uidOk = params.approvedUids.length ? params.approvedUids.includes(user.uid) : user.uid !== ROOT_ID;
    if (!uidOk) {
      findings.push(
        user.uid === ROOT_ID && !params.approvedUids.length
          ? 'enforces uid 0 (root)'
          : `enforces uid ${user.uid}, not in approvedUids`,
      );
    }
    const gids = [...new Set([user.gid, ...user.secondaryGids])];
    const badGids = gids.filter((gid) =>
      params.approvedGids.length ? !params.approvedGids.includes(gid) : gid === ROOT_ID,
    );
    if (badGids.length) {
      findings.push(
        params.approvedGids.length
          ? `enforces gid ${badGids.join(', ')}, not in approvedGids`
          : 'enforces gid 0 (root group)',
      );
    }
  }
  const root = normalisePath(accessPoint.rootDirectory || '/');
  if (root === '/') {
    findings.push("has root directory '/': it exposes the whole file system");
  } else if (
    params.approvedDirectories.length &&
    !params.approvedDirectories.some((p) => matchesDirectory(p, root))
  ) {
    findings.push(`has root directory ${root}, not in approvedDirectories`);
  }
  return findings;
}

const ADVICE = 'Recreate it with a non-root POSIX user and an application directory.';

function judgeAccessPoint(accessPoint: AccessPoint, params: AccessPointParameters): Verdict {
  const findings = findAccessPointIssues(accessPoint, params);
  return findings.length
    ? nonCompliant(composeAnnotation([`Access point ${findings.join('; ')}`], ADVICE))
    : compliant();
}

export const efsAccessPointPosixIdentity = defineRule({
  id: RULE_ID,
  title: 'EFS access points enforce a non-root POSIX user and a root directory other than /',
  description:
    'Checks each EFS access point. An access point should enforce a POSIX user (uid and gid) that replaces ' +
    'whatever identity the NFS client asserts, and confine clients to an application directory instead of the ' +
    "file system's root. Root (uid or gid 0) is refused unless listed in approvedUids / approvedGids; optional " +
    'approved lists pin the ids and directories to the ones you intend.',
  resourceTypes: [AP],
  triggerResourceTypes: [AP],
  triggers: ['configurationChange', 'periodic'],
  requires: ['accessPoints'],
  severity: 'medium',
  risk:
    'Without an enforced POSIX user, a client that mounts through the access point acts as any uid it claims, ' +
    "root included; with root directory '/', every application sharing the file system can read and change " +
    "every other application's files.",
  remediation:
    'Access points cannot be modified: create a new one with PosixUser (a dedicated, non-root uid and gid) and ' +
    'RootDirectory (e.g. /apps/<name>, with CreationInfo owner and permissions), move clients to it (mount ' +
    'option accesspoint=fsap-…), then delete the old one. Require access points in the file system policy with ' +
    'the elasticfilesystem:AccessPointArn condition.',
  parameters: {
    approvedUids: parameter(listParam(parsePosixId), {
      description:
        'Comma-separated uids an access point may enforce. Empty: any uid except 0. List 0 to approve root.',
    }),
    approvedGids: parameter(listParam(parsePosixId), {
      description:
        'Comma-separated gids an access point may enforce (primary and secondary). Empty: any gid except 0. List 0 to approve it.',
    }),
    approvedDirectories: parameter(listParam(parseDirectory), {
      description:
        "Comma-separated root directories: exact paths such as /apps/web, or '/apps/*' for any directory below /apps. Empty: any but '/'.",
    }),
  },
  judge: ({ params }) => ({ [AP]: (accessPoint) => judgeAccessPoint(accessPoint, params) }),
});
