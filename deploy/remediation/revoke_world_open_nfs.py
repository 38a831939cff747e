"""Revokes, from one security group, the inbound NFS-covering permissions open to the world.

Runs as the aws:executeScript step of efsguard's SSM Automation document (Python 3.11 runtime), which
calls handler(events, context) with events = {"GroupId": "sg-..."}. The same file is embedded in the
document at package time and exercised against moto by test/deploy/remediation.test.ts.

What it removes, and nothing else:
  - inbound permissions that cover NFS: protocol -1 (all traffic), or tcp (6) with FromPort <= 2049 <= ToPort;
  - of those, only the source ranges 0.0.0.0/0 and ::/0. Other CIDR ranges, security-group and
    prefix-list sources of the same permission stay, and so does every other permission.
It reports only what it verified gone, fails if a world-open NFS range is still there after its
attempts, and succeeds with nothing revoked when the group no longer exists.
"""

from botocore.exceptions import ClientError  # the executeScript runtime provides boto3 and botocore

NFS_PORT = 2049
WORLD_IPV4 = "0.0.0.0/0"
WORLD_IPV6 = "::/0"
ALL_PROTOCOLS = "-1"
TCP_PROTOCOLS = ("tcp", "6")
# Revoke, then verify by describing again; a concurrent change is retried on fresh state this often.
MAX_ATTEMPTS = 3


def covers_nfs(permission):
    """True when the permission admits TCP 2049: all traffic, or a TCP range that contains 2049."""
    protocol = str(permission.get("IpProtocol", "")).lower()
    if protocol in (ALL_PROTOCOLS, "all"):
        return True
    if protocol not in TCP_PROTOCOLS:
        # udp, icmp or another protocol number allows only that protocol's traffic (EC2 User Guide,
        # "Security group rules"), so it never admits NFS over TCP.
        return False
    from_port = permission.get("FromPort")
    to_port = permission.get("ToPort")
    if from_port is None or to_port is None or from_port == -1:
        return True
    return from_port <= NFS_PORT <= to_port


def world_open_slice(permission):
    """The part of a permission to revoke: same protocol and ports, only the world-open ranges."""
    ipv4 = [{"CidrIp": r["CidrIp"]} for r in permission.get("IpRanges", []) if r.get("CidrIp") == WORLD_IPV4]
    ipv6 = [{"CidrIpv6": r["CidrIpv6"]} for r in permission.get("Ipv6Ranges", []) if r.get("CidrIpv6") == WORLD_IPV6]
    if not ipv4 and not ipv6:
        return None
    revoke = {"IpProtocol": permission["IpProtocol"]}
    # Ports are part of the permission's identity for tcp; all-traffic permissions carry none.
    for key in ("FromPort", "ToPort"):
        if key in permission:
            revoke[key] = permission[key]
    if ipv4:
        revoke["IpRanges"] = ipv4
    if ipv6:
        revoke["Ipv6Ranges"] = ipv6
    return revoke


def range_key(protocol, from_port, to_port, cidr):
    """One revocable entry: protocol, ports and range. All-traffic entries carry no ports (EC2 may
    answer them with -1 or with none), so their ports are left out of the key."""
    protocol = str(protocol).lower()
    if protocol in (ALL_PROTOCOLS, "all"):
        return (ALL_PROTOCOLS, None, None, cidr)
    return (protocol, from_port, to_port, cidr)


def range_keys(permissions):
    """The (protocol, from, to, cidr) entries of permissions, for their world-open ranges only. Reads
    EC2's own shapes, in which absent lists may come back empty and extra keys may appear."""
    keys = []
    for permission in permissions or []:
        cidrs = [r.get("CidrIp") for r in permission.get("IpRanges") or []]
        cidrs += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges") or []]
        for cidr in cidrs:
            if cidr in (WORLD_IPV4, WORLD_IPV6):
                key = range_key(permission.get("IpProtocol"), permission.get("FromPort"), permission.get("ToPort"), cidr)
                if key not in keys:
                    keys.append(key)
    return keys


def describe_key(key):
    protocol, from_port, to_port, cidr = key
    ports = "all" if protocol == ALL_PROTOCOLS else f"{from_port}-{to_port}"
    return {"protocol": protocol, "ports": ports, "cidr": cidr}


def error_code(error):
    return error.response.get("Error", {}).get("Code", "")


def read_ingress(ec2, group_id):
    """The group's inbound permissions, or None when the group no longer exists."""
    try:
        groups = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    except ClientError as error:
        if error_code(error) == "InvalidGroup.NotFound":
            return None
        raise
    if len(groups) != 1:
        return None
    return groups[0].get("IpPermissions", [])


def world_open_revokes(permissions):
    return [s for s in (world_open_slice(p) for p in permissions if covers_nfs(p)) if s]


def listed(keys):
    return ", ".join(f"{d['protocol']} {d['ports']} from {d['cidr']}" for d in map(describe_key, keys))


def revoke_world_open_nfs(ec2, group_id):
    """Revokes the world-open NFS-covering ranges of group_id and returns what was removed.

    What counts as removed is checked, not assumed: the RevokeSecurityGroupIngress API Reference says
    EC2 may answer rules it did not find in UnknownIpPermissions "in a different format from the request
    parameter" (default VPC), or refuse the whole call with InvalidPermission.NotFound (other VPCs), and
    recommends describing the group afterwards. So each revoke is followed by a describe: a range counts
    as removed when it was revoked, not answered as unknown, and is gone. A concurrent change is retried
    on fresh state; a range still there after MAX_ATTEMPTS fails the step, so Config shows the
    remediation as failed rather than done.
    """
    permissions = read_ingress(ec2, group_id)
    removed = []
    for _ in range(MAX_ATTEMPTS):
        if permissions is None:
            break
        revokes = world_open_revokes(permissions)
        if not revokes:
            break
        unknown = []
        try:
            response = ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=revokes)
            unknown = range_keys(response.get("UnknownIpPermissions"))
        except ClientError as error:
            if error_code(error) == "InvalidGroup.NotFound":
                permissions = None
                break
            if error_code(error) != "InvalidPermission.NotFound":
                raise
            # The group changed since it was read; nothing was revoked. Read it again and retry.
            unknown = range_keys(revokes)
        permissions = read_ingress(ec2, group_id)
        still_open = [] if permissions is None else range_keys(world_open_revokes(permissions))
        for key in range_keys(revokes):
            if key not in unknown and key not in still_open and key not in removed:
                removed.append(key)
    if permissions is None:
        gone = f"{group_id}: the security group no longer exists; "
        summary = gone + (f"revoked before: {listed(removed)}" if removed else "nothing revoked")
        return {"groupId": group_id, "removed": [describe_key(k) for k in removed], "summary": summary}
    remaining = range_keys(world_open_revokes(permissions))
    if remaining:
        done = f"; revoked: {listed(removed)}" if removed else ""
        raise RuntimeError(f"{group_id} still admits NFS from {listed(remaining)} after {MAX_ATTEMPTS} attempts{done}")
    if removed:
        summary = f"{group_id}: revoked {len(removed)} world-open NFS range(s): {listed(removed)}"
    else:
        summary = f"{group_id}: no world-open NFS-covering inbound range; nothing revoked"
    return {"groupId": group_id, "removed": [describe_key(k) for k in removed], "summary": summary}


def handler(events, context):  # noqa: ARG001 (the aws:executeScript signature)
    import boto3  # the executeScript runtime provides boto3

    group_id = events.get("GroupId") if isinstance(events, dict) else None
    if not isinstance(group_id, str) or not group_id.startswith("sg-"):
        raise ValueError(f"GroupId must be a security group id (sg-...), got {group_id!r}")
    return revoke_world_open_nfs(boto3.client("ec2"), group_id)
