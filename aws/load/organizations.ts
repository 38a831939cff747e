// Which accounts and regions a multi-account scan covers: the organization's ACTIVE accounts
// (Organizations ListAccounts, from the caller's credentials, paginated) and the regions enabled in an
// account (EC2 DescribeRegions, which by default lists only the regions enabled for the account: "Describes
// the Regions that are enabled for your account, or all Regions", EC2 API Reference, DescribeRegions).
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { callAws } from '../sdk/errors';
import { guardPages } from '../sdk/pagination';

/** The ids of the organization's ACTIVE accounts, sorted. */
export async function listActiveAccounts(client: OrganizationsClient, endpoint?: string): Promise<string[]> {
  return callAws(
    'organizations:ListAccounts',
    async () => {
      const ids: string[] = [];
      for await (const page of guardPages(
        'organizations:ListAccounts',
        paginateListAccounts({ client }, {}),
      )) {
        for (const account of page.Accounts ?? []) {
          // `State` supersedes the deprecated `Status`; either says ACTIVE for a usable account.
          const state = (account as { State?: string }).State ?? account.Status;
          if (account.Id && state === 'ACTIVE') ids.push(account.Id);
        }
      }
      return [...new Set(ids)].sort();
    },
    endpoint,
  );
}

/** The regions enabled in the account the client acts in (opted-in and opt-in-not-required), sorted. */
export async function listEnabledRegions(ec2: EC2Client, endpoint?: string): Promise<string[]> {
  const output = await callAws(
    'ec2:DescribeRegions',
    () => ec2.send(new DescribeRegionsCommand({ AllRegions: false })),
    endpoint,
  );
  return (output.Regions ?? [])
    .filter((region) => region.OptInStatus === undefined || region.OptInStatus !== 'not-opted-in')
    .map((region) => region.RegionName)
    .filter((name): name is string => Boolean(name))
    .sort();
}
