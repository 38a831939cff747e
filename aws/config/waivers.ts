// The adapter side of waivers (core/waivers.ts): reading a waiver document (YAML or JSON, from a file
// or an SSM parameter), today's date from a real clock, and each resource's ARN and tags from a
// recorded snapshot, so that ARN and tag waivers can match.
import { arnFromId } from '../../core/arn';
import { type ResourceRef, type ResourceType, refKey } from '../../core/model';
import {
  InvalidWaiversError,
  parseWaiverDocument,
  type ResourceFacts,
  type WaiverDocument,
} from '../../core/waivers';
import type { Snapshot } from '../snapshot/format';

/** Today in UTC, YYYY-MM-DD: the date waivers are judged against (their expiry days are UTC days). */
export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface ReadWaiverOptions {
  readonly now: Date;
  readonly maxDays?: number;
  /** Rule ids a waiver may name; a Lambda passes none (its bundle holds one rule), the CLI its registry's. */
  readonly knownRules?: readonly string[];
}

/** Validates a parsed waiver document against today's date and the maximum lifetime. */
export function validateWaivers(value: unknown, source: string, options: ReadWaiverOptions): WaiverDocument {
  return parseWaiverDocument(
    value,
    {
      today: todayUtc(options.now),
      ...(options.knownRules ? { knownRules: options.knownRules } : {}),
      ...(options.maxDays === undefined ? {} : { maxDays: options.maxDays }),
    },
    source,
  );
}

/**
 * Parses JSON waiver text: the form the Lambda rules read from SSM (the YAML parser would not fit in
 * their bundles; the CLI reads YAML too, cli/waivers.ts).
 */
export function parseWaiverJson(text: string, source: string, options: ReadWaiverOptions): WaiverDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidWaiversError(
      `${source}: not valid JSON (${(error as Error).message}); the Lambda rules read the JSON form of a waiver file (efsguard waivers --format document prints it)`,
      { cause: error },
    );
  }
  return validateWaivers(value, source, options);
}

interface Tag {
  Key?: string | undefined;
  Value?: string | undefined;
}

function tagMap(tags: readonly Tag[] | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  const map: Record<string, string> = {};
  for (const tag of tags) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

/**
 * A lookup of each resource's ARN and tags in a snapshot (the SDK shapes carry both, the normalised
 * topology neither). A resource the snapshot does not hold gets its ARN built from the id where AWS's
 * ARN format allows (EC2 and EFS), and no tags.
 */
export function resourceFactsFromSnapshot(
  snapshot: Snapshot,
): (ref: ResourceRef) => ResourceFacts | undefined {
  const facts = new Map<string, ResourceFacts>();
  const put = (
    resourceType: ResourceType,
    resourceId: string | undefined,
    arn: string | undefined,
    tags: readonly Tag[] | undefined,
  ) => {
    if (!resourceId) return;
    const map = tagMap(tags);
    facts.set(refKey({ resourceType, resourceId }), {
      ...(arn ? { arn } : {}),
      ...(map ? { tags: map } : {}),
    });
  };
  for (const group of snapshot.securityGroups)
    put('AWS::EC2::SecurityGroup', group.GroupId, group.SecurityGroupArn, group.Tags);
  for (const eni of snapshot.networkInterfaces)
    put('AWS::EC2::NetworkInterface', eni.NetworkInterfaceId, undefined, eni.TagSet);
  for (const acl of snapshot.networkAcls) put('AWS::EC2::NetworkAcl', acl.NetworkAclId, undefined, acl.Tags);
  for (const fs of snapshot.fileSystems)
    put('AWS::EFS::FileSystem', fs.FileSystemId, fs.FileSystemArn, fs.Tags);
  for (const ap of snapshot.accessPoints)
    put('AWS::EFS::AccessPoint', ap.AccessPointId, ap.AccessPointArn, ap.Tags);
  const iam = snapshot.iam;
  for (const policy of iam?.Policies ?? []) put('AWS::IAM::Policy', policy.PolicyId, policy.Arn, undefined);
  for (const role of iam?.RoleDetailList ?? []) put('AWS::IAM::Role', role.RoleId, role.Arn, role.Tags);
  for (const user of iam?.UserDetailList ?? []) put('AWS::IAM::User', user.UserId, user.Arn, user.Tags);
  for (const group of iam?.GroupDetailList ?? []) put('AWS::IAM::Group', group.GroupId, group.Arn, undefined);

  return (ref) => {
    const known = facts.get(refKey(ref));
    if (known?.arn) return known;
    const arn = arnFromId(snapshot.region, snapshot.accountId, ref.resourceType, ref.resourceId);
    return arn ? { ...known, arn } : known;
  };
}
