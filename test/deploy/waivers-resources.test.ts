// Waivers in the generated deployment (deploy/serverless/resources.cjs): the waiversParameter stage
// parameter reaches every rule's InputParameters, and each function role may read that one SSM parameter
// of its own account, in both modes (never through the member role).
import { internals, MANIFEST, resolverFor } from '../helpers/deploy-generator';

async function generate(params: Record<string, string> = {}) {
  const settings = await internals.readSettings(resolverFor(params));
  internals.validateManifestRules(MANIFEST, settings);
  return internals.buildResources({ manifest: MANIFEST, settings });
}

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };

function statementsOf(template: Awaited<ReturnType<typeof generate>>): Statement[] {
  const role = template.Resources.EfsMountTargetNfsIngressRole as unknown as {
    Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
  };
  return role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe('waivers in the deployment', () => {
  it('adds nothing without waiversParameter', async () => {
    const template = await generate();
    expect(statementsOf(template).map((statement) => statement.Sid)).not.toContain('ReadWaivers');
    expect(
      template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters,
    ).not.toHaveProperty('waiversParameter');
  });

  it.each(['account', 'organization'])(
    'in %s mode, passes the parameter to the rule and lets the function role read only it',
    async (mode) => {
      const template = await generate({ mode, waiversParameter: '/efsguard/waivers' });
      const read = statementsOf(template).find((statement) => statement.Sid === 'ReadWaivers');
      expect(read).toEqual({
        Sid: 'ReadWaivers',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/efsguard/waivers`,
        },
      });
      const properties =
        mode === 'account'
          ? template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters
          : JSON.parse(
              (
                template.Resources.EfsMountTargetNfsIngressOrganizationConfigRule?.Properties
                  .OrganizationCustomRuleMetadata as { InputParameters: string } | undefined
              )?.InputParameters ?? '{}',
            );
      expect(properties).toMatchObject({ waiversParameter: '/efsguard/waivers', allowTagWaivers: 'false' });
    },
  );

  it.each([
    [{ waiversParameter: 'bad name' }, /param waiversParameter must be an SSM parameter name/],
    [{ waiversParameter: '/w', allowTagWaivers: 'yes' }, /param allowTagWaivers must be true or false/],
  ])('rejects %j with an error naming the parameter', async (params, message) => {
    await expect(generate(params)).rejects.toThrow(message);
  });
});
