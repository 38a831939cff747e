// Builds EFS scenarios, routing included, through the real AWS API (against moto in tests and the demo
// recorder). Rules and
// ACL entries take the same shapes as the snapshot builder (test/helpers/fake-account.ts: nfs(), AclRule).
import {
  AcceptVpcPeeringConnectionCommand,
  AttachVpnGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  type CreateRouteRequest,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  CreateVpnGatewayCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  type IpPermission,
  ReplaceNetworkAclAssociationCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateAccessPointCommand,
  type CreateAccessPointRequest,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  PutFileSystemPolicyCommand,
} from '@aws-sdk/client-efs';
import type { AwsClients } from '../../aws/sdk/clients';
import type { AclRule } from './fake-account';

export class AccountBuilder {
  constructor(private readonly clients: Pick<AwsClients, 'ec2' | 'efs'>) {}

  async vpc(cidr: string): Promise<string> {
    const out = await this.clients.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
    return out.Vpc?.VpcId as string;
  }

  async subnet(vpcId: string, cidr: string, availabilityZone: string): Promise<string> {
    const out = await this.clients.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: availabilityZone }),
    );
    return out.Subnet?.SubnetId as string;
  }

  /** A security group; `egress` replaces the default allow-all outbound rule when given. */
  async group(
    vpcId: string,
    name: string,
    rules: { ingress?: IpPermission[]; egress?: IpPermission[] } = {},
  ): Promise<string> {
    const { GroupId } = await this.clients.ec2.send(
      new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }),
    );
    const groupId = GroupId as string;
    if (rules.ingress?.length) {
      await this.clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: rules.ingress }),
      );
    }
    if (rules.egress) {
      await this.clients.ec2.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      );
      if (rules.egress.length) {
        await this.clients.ec2.send(
          new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: rules.egress }),
        );
      }
    }
    return groupId;
  }

  async prefixList(name: string, cidrs: string[]): Promise<string> {
    const out = await this.clients.ec2.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: name,
        AddressFamily: 'IPv4',
        MaxEntries: Math.max(cidrs.length, 1),
        Entries: cidrs.map((Cidr) => ({ Cidr })),
      }),
    );
    return out.PrefixList?.PrefixListId as string;
  }

  /** A client: a plain interface carrying the given groups (what an instance or Lambda ENI looks like). */
  async client(subnetId: string, groupIds: string[], description = 'client'): Promise<string> {
    const out = await this.clients.ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: groupIds, Description: description }),
    );
    return out.NetworkInterface?.NetworkInterfaceId as string;
  }

  async fileSystem(name: string): Promise<string> {
    const out = await this.clients.efs.send(
      new CreateFileSystemCommand({ CreationToken: name, Tags: [{ Key: 'Name', Value: name }] }),
    );
    return out.FileSystemId as string;
  }

  async mountTarget(fileSystemId: string, subnetId: string, groupIds: string[]) {
    const out = await this.clients.efs.send(
      new CreateMountTargetCommand({
        FileSystemId: fileSystemId,
        SubnetId: subnetId,
        SecurityGroups: groupIds,
      }),
    );
    return {
      mountTargetId: out.MountTargetId as string,
      ipAddress: out.IpAddress as string,
      networkInterfaceId: out.NetworkInterfaceId as string,
    };
  }

  async policy(fileSystemId: string, policy: object): Promise<void> {
    await this.clients.efs.send(
      new PutFileSystemPolicyCommand({ FileSystemId: fileSystemId, Policy: JSON.stringify(policy) }),
    );
  }

  async accessPoint(input: CreateAccessPointRequest): Promise<string> {
    const out = await this.clients.efs.send(new CreateAccessPointCommand(input));
    return out.AccessPointId as string;
  }

  /** A custom network ACL (deny-all until entries are added) associated with the given subnets. */
  async networkAcl(vpcId: string, subnetIds: string[], entries: readonly AclRule[]): Promise<string> {
    const out = await this.clients.ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }));
    const networkAclId = out.NetworkAcl?.NetworkAclId as string;
    for (const entry of entries) {
      await this.clients.ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: networkAclId,
          RuleNumber: entry.rule,
          Egress: entry.egress,
          RuleAction: entry.action,
          CidrBlock: entry.cidr,
          Protocol: entry.protocol,
          ...(entry.ports ? { PortRange: { From: entry.ports[0], To: entry.ports[1] } } : {}),
        }),
      );
    }
    for (const subnetId of subnetIds) {
      const current = await this.clients.ec2.send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
      );
      const association = current.NetworkAcls?.flatMap((acl) => acl.Associations ?? []).find(
        (candidate) => candidate.SubnetId === subnetId,
      );
      await this.clients.ec2.send(
        new ReplaceNetworkAclAssociationCommand({
          AssociationId: association?.NetworkAclAssociationId,
          NetworkAclId: networkAclId,
        }),
      );
    }
    return networkAclId;
  }

  /** The main route table of a VPC, the one created with it. */
  async mainRouteTable(vpcId: string): Promise<string> {
    const out = await this.clients.ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    );
    return out.RouteTables?.[0]?.RouteTableId as string;
  }

  /** A peering from VPC `a` to VPC `b`, accepted unless `accept` is false. */
  async peering(a: string, b: string, accept = true): Promise<string> {
    const out = await this.clients.ec2.send(
      new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b }),
    );
    const id = out.VpcPeeringConnection?.VpcPeeringConnectionId as string;
    if (accept)
      await this.clients.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    return id;
  }

  /** A route to `cidr` in the VPC's main route table, to `target` (a peering, gateway or TGW id field). */
  async route(
    vpcId: string,
    cidr: string,
    target: Omit<CreateRouteRequest, 'RouteTableId' | 'DestinationCidrBlock'>,
  ): Promise<void> {
    await this.clients.ec2.send(
      new CreateRouteCommand({
        RouteTableId: await this.mainRouteTable(vpcId),
        DestinationCidrBlock: cidr,
        ...target,
      }),
    );
  }

  /** A virtual private gateway attached to the VPC. */
  async vpnGateway(vpcId: string): Promise<string> {
    const out = await this.clients.ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }));
    const id = out.VpnGateway?.VpnGatewayId as string;
    await this.clients.ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: id, VpcId: vpcId }));
    return id;
  }
}
