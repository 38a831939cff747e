"""Revokes, from one security group, the inbound NFS-covering permissions open to the world.

Runs as the aws:executeScript step of efsguard's SSM Automation document (Python 3.11 runtime), which
calls handler(events, context) with events = {"GroupId": "sg-..."}. The same file is embedded in the
document at package time and exercised against moto by test/deploy/remediation.test.ts.

What it removes, and nothing else:
  - inbound permissions that cover NFS: protocol -1 (all traffic), or tcp (6) with FromPort <= 2049 <= ToPort;
  - of those, only the source ranges 0.0.0.0/0 and ::/0. Other CIDR ranges, security-group and
    prefix-list sources of the same permission stay, and so does every other permission.
"""

import json

NFS_PORT = 2049
WORLD_IPV4 = "0.0.0.0/0"
WORLD_IPV6 = "::/0"
ALL_PROTOCOLS = "-1"
TCP_PROTOCOLS = ("tcp", "6")


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


def describe_removed(revoke):
    protocol = revoke["IpProtocol"]
    ports = "all" if str(protocol) == ALL_PROTOCOLS else f"{revoke.get('FromPort')}-{revoke.get('ToPort')}"
    cidrs = [r["CidrIp"] for r in revoke.get("IpRanges", [])] + [r["CidrIpv6"] for r in revoke.get("Ipv6Ranges", [])]
    return [{"protocol": str(protocol), "ports": ports, "cidr": cidr} for cidr in cidrs]


def revoke_world_open_nfs(ec2, group_id):
    """Revokes the world-open NFS-covering ranges of group_id and returns what was removed."""
    groups = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    if len(groups) != 1:
        raise ValueError(f"security group {group_id} not found")
    revokes = [s for s in (world_open_slice(p) for p in groups[0].get("IpPermissions", []) if covers_nfs(p)) if s]
    removed = []
    if revokes:
        response = ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=revokes)
        # A range revoked meanwhile by someone else comes back as unknown: it is gone, but not by us.
        unknown = {json.dumps(p, sort_keys=True) for p in response.get("UnknownIpPermissions", [])}
        for revoke in revokes:
            if json.dumps(revoke, sort_keys=True) not in unknown:
                removed.extend(describe_removed(revoke))
    if removed:
        listed = ", ".join(f"{r['protocol']} {r['ports']} from {r['cidr']}" for r in removed)
        summary = f"{group_id}: revoked {len(removed)} world-open NFS range(s): {listed}"
    else:
        summary = f"{group_id}: no world-open NFS-covering inbound range; nothing revoked"
    return {"groupId": group_id, "removed": removed, "summary": summary}


def handler(events, context):  # noqa: ARG001 (the aws:executeScript signature)
    import boto3  # the executeScript runtime provides boto3

    group_id = events.get("GroupId") if isinstance(events, dict) else None
    if not isinstance(group_id, str) or not group_id.startswith("sg-"):
        raise ValueError(f"GroupId must be a security group id (sg-...), got {group_id!r}")
    return revoke_world_open_nfs(boto3.client("ec2"), group_id)
