// What the Lambda bundles of rules that read no IAM get in place of @aws-sdk/client-iam
// (scripts/build-handlers.mjs). Only a rule that requires the part 'iam' ever reads IAM (aws/load/region.ts
// and the neighbourhood load read a part only when the rule requires it), so for the others the IAM client
// is dead weight: about 34 KB of each bundle, and about 14 ms of each cold start. The clients are still
// created together (aws/sdk/clients.ts), so this client can be constructed and instrumented, but every
// call it or any other export is asked for fails loudly, naming why, instead of answering without IAM.
// The CLI and `efsguard invoke` run from source and keep the real client.
const WHY = 'this Lambda bundle was built without the IAM client because its rule reads no IAM';

function refuse(name) {
  return new Error(`${name}: ${WHY} (scripts/build-handlers.mjs)`);
}

export class IAMClient {
  constructor(config) {
    this.config = config ?? {};
    this.middlewareStack = { add() {}, addRelativeTo() {}, use() {} };
  }

  send(command) {
    return Promise.reject(refuse(`IAMClient.send(${command?.constructor?.name ?? 'a command'})`));
  }

  destroy() {}
}

const command = (name) =>
  class {
    constructor() {
      throw refuse(name);
    }
  };
const paginator = (name) => () => {
  throw refuse(name);
};

// Every value the sources import from @aws-sdk/client-iam: a new one fails the build ("No matching
// export") until it is added here.
export const GetGroupCommand = command('GetGroupCommand');
export const GetGroupPolicyCommand = command('GetGroupPolicyCommand');
export const GetPolicyCommand = command('GetPolicyCommand');
export const GetPolicyVersionCommand = command('GetPolicyVersionCommand');
export const GetRoleCommand = command('GetRoleCommand');
export const GetRolePolicyCommand = command('GetRolePolicyCommand');
export const GetUserCommand = command('GetUserCommand');
export const GetUserPolicyCommand = command('GetUserPolicyCommand');
export const paginateGetAccountAuthorizationDetails = paginator('paginateGetAccountAuthorizationDetails');
export const paginateListAttachedGroupPolicies = paginator('paginateListAttachedGroupPolicies');
export const paginateListAttachedRolePolicies = paginator('paginateListAttachedRolePolicies');
export const paginateListAttachedUserPolicies = paginator('paginateListAttachedUserPolicies');
export const paginateListEntitiesForPolicy = paginator('paginateListEntitiesForPolicy');
export const paginateListGroupPolicies = paginator('paginateListGroupPolicies');
export const paginateListRolePolicies = paginator('paginateListRolePolicies');
export const paginateListUserPolicies = paginator('paginateListUserPolicies');
