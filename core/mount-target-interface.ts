// Recognising the network interface of an EFS mount target before DescribeMountTargets confirms it.
// The description only says which file system to ask about: DescribeMountTargets is authoritative, so a
// forged description never makes an interface a mount target.
import type { NetworkInterface } from './model';

/**
 * EFS creates each mount target's interface with the description
 * `EFS mount target for fs-… (fsmt-…)` (Amazon EFS User Guide, "Creating mount targets"); the interface is
 * requester-managed.
 */
const MOUNT_TARGET_DESCRIPTION = /^EFS mount target for (fs-[0-9a-f]+) \((fsmt-[0-9a-f]+)\)$/;

export interface MountTargetClaim {
  readonly fileSystemId: string;
  readonly mountTargetId: string;
}

/** The file system and mount target an interface's description names, if it has EFS's form. */
export function parseMountTargetDescription(description: string): MountTargetClaim | undefined {
  const match = MOUNT_TARGET_DESCRIPTION.exec(description);
  if (!match?.[1] || !match[2]) return undefined;
  return { fileSystemId: match[1], mountTargetId: match[2] };
}

/**
 * An interface that may be a mount target although its description does not say of which file
 * system: an `efs` interface type, or a requester-managed interface with no description. Only a
 * listing of every file system's mount targets can tell.
 */
export function isUnnamedEfsInterface(eni: NetworkInterface): boolean {
  if (parseMountTargetDescription(eni.description)) return false;
  // 'efs' is not in the EC2 API's documented InterfaceType values; it is taken as a hint only, since
  // DescribeMountTargets decides either way.
  return eni.interfaceType === 'efs' || (eni.requesterManaged && !eni.description);
}

/**
 * An interface with nothing that identifies it: the plain `interface` type, not requester-managed, no
 * description and not attached to an instance. AWS never creates mount-target interfaces like this,
 * but emulators (moto) do, so the loader probes such interfaces only against a custom endpoint.
 */
export function isUnlabelledInterface(eni: NetworkInterface): boolean {
  return (
    eni.interfaceType === 'interface' &&
    !eni.requesterManaged &&
    !eni.description &&
    eni.attachedInstanceId === undefined
  );
}
