// efs-file-system-policy: the data plane does not trust the client.
// NFS trusts the uid a client asserts. With no file-system policy, EFS applies its default policy, which
// "grants full access to any anonymous client that can connect to the file system using a mount target"
// ("Using IAM to control access to file systems", Amazon EFS User Guide): read-write, as root.
import { composeAnnotation, MAX_ANNOTATION_LENGTH } from '../annotation';
import {
  createRequestContext,
  describeStatement,
  evaluateConditions,
  findNarrowingClause,
  isExclusionClause,
  namesEveryPrincipal,
  type PolicyDocument,
  PolicyParseError,
  type PolicyStatement,
  parsePolicyDocument,
  reachesEveryone,
  statementCoversAction,
  statementCoversResource,
} from '../iam';
import type { FileSystem } from '../model';
import { booleanParam, parameter } from '../params';
import { compliant, defineRule, nonCompliant, type Verdict } from './define';

export const RULE_ID = 'efs-file-system-policy';

const FS = 'AWS::EFS::FileSystem' as const;

/** The client actions of "EFS actions for clients" (Amazon EFS User Guide). */
export const CLIENT_MOUNT = 'elasticfilesystem:ClientMount';
export const CLIENT_WRITE = 'elasticfilesystem:ClientWrite';
export const CLIENT_ROOT_ACCESS = 'elasticfilesystem:ClientRootAccess';
const SECURE_TRANSPORT_KEY = 'aws:securetransport';

export interface FileSystemPolicyParameters {
  readonly requireSecureTransport: boolean;
  readonly allowAnonymousAccess: boolean;
  readonly allowRootAccess: boolean;
}

const TLS_ADVICE = 'Add a Deny of Action "*" to Principal "*" if aws:SecureTransport is "false".';
const GRANT_ADVICE = 'Grant client actions only to named roles or access points.';
const NO_POLICY =
  'No file system policy: any client that reaches a mount target mounts read-write as root, without TLS';

const NO_TLS_DENY = 'no statement denies clients without TLS (aws:SecureTransport false)';

const shortAction = (action: string): string => action.replace(/^elasticfilesystem:/, '');

/**
 * Whether the statement refuses every client that connects without TLS: it denies every principal
 * ClientMount on this file system whenever aws:SecureTransport is false. ClientMount is enough: "when a
 * client connects to a file system, Amazon EFS evaluates the file system's IAM resource policy" to decide
 * what to grant, and ClientMount is the base client permission, the read-only access every mount needs,
 * which ClientWrite and ClientRootAccess only extend ("Using IAM to control file system data access",
 * section "EFS actions for clients", Amazon EFS User Guide). A client denied ClientMount cannot mount, so
 * it never gets to write or act as root. Its conditions may test only aws:SecureTransport (any other key
 * scopes it), and must hold for a request with aws:SecureTransport false: Bool or BoolIfExists, "false".
 */
function isSecureTransportDeny(statement: PolicyStatement, fileSystemArn: string): boolean {
  return (
    statement.effect === 'Deny' &&
    namesEveryPrincipal(statement) &&
    statementCoversAction(statement, CLIENT_MOUNT) &&
    statementCoversResource(statement, fileSystemArn) &&
    statement.conditions.every((clause) => clause.keyLower === SECURE_TRANSPORT_KEY) &&
    evaluateConditions(statement.conditions, createRequestContext({ [SECURE_TRANSPORT_KEY]: 'false' }))
  );
}

/** "A", "A and B", "A, B and C". */
function listEnglish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Why a Deny that mentions aws:SecureTransport does not refuse every plaintext client, in one sentence. */
function describeNarrowDeny(statement: PolicyStatement, fileSystemArn: string): string | undefined {
  if (statement.effect !== 'Deny' || !statement.conditions.some((c) => c.keyLower === SECURE_TRANSPORT_KEY))
    return undefined;
  const reasons: string[] = [];
  if (statement.principal?.negated) reasons.push('exempts the principals in NotPrincipal');
  else if (!namesEveryPrincipal(statement)) reasons.push('names only some principals');
  if (!statementCoversAction(statement, CLIENT_MOUNT))
    reasons.push('leaves out ClientMount (which every mount needs)');
  if (!statementCoversResource(statement, fileSystemArn))
    reasons.push('is for another resource (not this file system)');
  const otherKeys = [
    ...new Set(statement.conditions.filter((c) => c.keyLower !== SECURE_TRANSPORT_KEY).map((c) => c.key)),
  ];
  if (otherKeys.length)
    reasons.push(
      `also requires ${otherKeys.length > 1 ? 'conditions' : 'a condition'} on ${listEnglish(otherKeys)}`,
    );
  else if (
    !evaluateConditions(statement.conditions, createRequestContext({ [SECURE_TRANSPORT_KEY]: 'false' }))
  ) {
    reasons.push('does not apply when aws:SecureTransport is false');
  }
  return `${describeStatement(statement)} does not deny every client without TLS: it ${listEnglish(reasons)}`;
}

/**
 * Whether a Deny takes `action` away from everyone but a fixed set of callers (no condition, or only
 * exclusion conditions such as StringNotEquals aws:PrincipalOrgID), so that Allows to everyone are
 * narrowed by it.
 */
function isBlanketDeny(statement: PolicyStatement, action: string, fileSystemArn: string): boolean {
  return (
    statement.effect === 'Deny' &&
    namesEveryPrincipal(statement) &&
    statementCoversAction(statement, action) &&
    statementCoversResource(statement, fileSystemArn) &&
    statement.conditions.every(isExclusionClause)
  );
}

/** Client actions in `actions` that the statement grants to everyone with nothing narrowing who. */
function grantedToEveryone(
  document: PolicyDocument,
  statement: PolicyStatement,
  actions: readonly string[],
  fileSystemArn: string,
): string[] {
  if (statement.effect !== 'Allow' || !reachesEveryone(statement)) return [];
  if (!statementCoversResource(statement, fileSystemArn) || findNarrowingClause(statement)) return [];
  return actions.filter(
    (action) =>
      statementCoversAction(statement, action) &&
      !document.statements.some((other) => isBlanketDeny(other, action, fileSystemArn)),
  );
}

/**
 * Which client actions count as anonymous access. "Prevent anonymous access" in the EFS console "removes
 * ClientMount from the set of allowed EFS actions" ("Creating file system policies", Amazon EFS User Guide),
 * leaving ClientWrite (and ClientRootAccess unless root is prevented) granted to {"AWS": "*"}. A client
 * without an IAM identity cannot mount without ClientMount ("EFS actions for clients": ClientMount provides
 * read-only access, the others add write and root), so such a grant only extends IAM principals that may
 * mount through another statement or their identity policy. ClientWrite to everyone is therefore anonymous
 * write access only when ClientMount is granted to everyone too.
 */
function anonymousActions(document: PolicyDocument, fileSystemArn: string): string[] {
  const mountOpen = document.statements.some(
    (statement) => grantedToEveryone(document, statement, [CLIENT_MOUNT], fileSystemArn).length > 0,
  );
  return mountOpen ? [CLIENT_MOUNT, CLIENT_WRITE] : [];
}

/** Findings against one file system's policy document; empty when it is compliant. */
export function findPolicyIssues(
  document: PolicyDocument,
  fileSystem: FileSystem,
  params: FileSystemPolicyParameters,
): { findings: string[]; advice: string[] } {
  const findings: string[] = [];
  const advice: string[] = [];
  const arn = fileSystem.fileSystemArn;
  if (params.requireSecureTransport && !document.statements.some((s) => isSecureTransportDeny(s, arn))) {
    const narrow = document.statements
      .map((s) => describeNarrowDeny(s, arn))
      .filter((text) => text !== undefined);
    findings.push(...(narrow.length ? narrow : [NO_TLS_DENY]));
    advice.push(TLS_ADVICE);
  }
  // ClientRootAccess to everyone is flagged with or without ClientMount (the issue's root check): the console's
  // "Prevent root access by default" removes it from the Allow to everyone, and a compliant policy does too.
  const checked = [
    ...(params.allowAnonymousAccess ? [] : anonymousActions(document, arn)),
    ...(params.allowRootAccess ? [] : [CLIENT_ROOT_ACCESS]),
  ];
  let grants = false;
  for (const statement of document.statements) {
    const granted = grantedToEveryone(document, statement, checked, arn);
    if (granted.length === 0) continue;
    grants = true;
    const viaMountTarget = statement.conditions.some(
      (c) => c.keyLower === 'elasticfilesystem:accessedviamounttarget',
    );
    findings.push(
      `${describeStatement(statement)} grants ${listEnglish(granted.map(shortAction))} to everyone` +
        (viaMountTarget ? ' (its AccessedViaMountTarget condition does not limit who)' : ''),
    );
  }
  if (grants) advice.push(GRANT_ADVICE);
  return { findings, advice };
}

/** Findings come first (they name the statements); each piece of advice follows while it fits. */
function annotate(findings: readonly string[], advice: readonly string[]): string {
  let text = composeAnnotation(findings);
  for (const piece of advice) {
    if (text.length + 1 + piece.length <= MAX_ANNOTATION_LENGTH) text = `${text} ${piece}`;
  }
  return text;
}

/** Parses each distinct policy text once per evaluation: file systems often share one policy. */
type ParsePolicy = (text: string) => PolicyDocument;

function createPolicyParser(): ParsePolicy {
  const parsed = new Map<string, PolicyDocument | PolicyParseError>();
  return (text) => {
    let result = parsed.get(text);
    if (result === undefined) {
      try {
        result = parsePolicyDocument(text);
      } catch (error) {
        if (!(error instanceof PolicyParseError)) throw error;
        result = error;
      }
      parsed.set(text, result);
    }
    if (result instanceof PolicyParseError) throw result;
    return result;
  };
}

function judgeFileSystem(
  fileSystem: FileSystem,
  params: FileSystemPolicyParameters,
  parsePolicy: ParsePolicy,
): Verdict {
  if (fileSystem.policy === null) {
    // The default policy grants every client action to everyone and denies nothing.
    const relaxedAll =
      !params.requireSecureTransport && params.allowAnonymousAccess && params.allowRootAccess;
    if (relaxedAll) return compliant('No file system policy; every check is relaxed by the rule parameters.');
    return nonCompliant(
      `${NO_POLICY}. Add a policy that denies clients without TLS and grants client actions to named roles or access points.`,
    );
  }
  let document: PolicyDocument;
  try {
    document = parsePolicy(fileSystem.policy);
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    // Never COMPLIANT for a policy we cannot read.
    return nonCompliant(`The file system policy cannot be parsed: ${error.message}`, true);
  }
  const { findings, advice } = findPolicyIssues(document, fileSystem, params);
  return findings.length ? nonCompliant(annotate(findings, advice)) : compliant();
}

export const efsFileSystemPolicy = defineRule({
  id: RULE_ID,
  title: 'EFS file system policies require TLS and grant no anonymous or root access',
  description:
    'Checks the file system policy of each EFS file system. NFS trusts the user id a client asserts, so without ' +
    'a policy any client that reaches a mount target mounts read-write as root. The policy should deny every ' +
    'request made without TLS (aws:SecureTransport false), never grant ClientMount (anonymous mounting) or ' +
    'ClientRootAccess to everyone, and grant client actions to named IAM principals or through access points.',
  resourceTypes: [FS],
  triggerResourceTypes: [FS],
  triggers: ['configurationChange', 'periodic'],
  requires: ['fileSystemPolicies'],
  severity: 'high',
  risk:
    'Any host that can reach a mount target on TCP 2049 can read, change or delete every file, as root, and ' +
    'NFS traffic without TLS can be read or altered on the network.',
  remediation:
    'Set a file system policy (console: File system policy > Edit, or PutFileSystemPolicy) that denies ' +
    'Principal {"AWS":"*"} Action "*" when Bool aws:SecureTransport is "false", and grants client actions only ' +
    'to named IAM roles or through access points (condition elasticfilesystem:AccessPointArn). Give each ' +
    'application an access point that enforces its POSIX user and root directory, and mount with the EFS mount ' +
    'helper options tls and iam.',
  parameters: {
    requireSecureTransport: parameter(booleanParam(), {
      description:
        'true to require a statement that denies everyone ClientMount (every mount) when aws:SecureTransport is false.',
      default: 'true',
    }),
    allowAnonymousAccess: parameter(booleanParam(), {
      description:
        'true to accept statements that grant ClientMount (and with it ClientWrite) to everyone without a narrowing condition.',
      default: 'false',
    }),
    allowRootAccess: parameter(booleanParam(), {
      description:
        'true to accept statements that grant ClientRootAccess to everyone without a narrowing condition.',
      default: 'false',
    }),
  },
  judge: ({ params }) => {
    const parsePolicy = createPolicyParser();
    return { [FS]: (fileSystem) => judgeFileSystem(fileSystem, params, parsePolicy) };
  },
});
