// The Security Hub deployment option (deploy/serverless/security-hub.cjs) through the generator:
// off by default, on it adds the environment, the sidecar bundle and one least-privilege statement.
import { type GeneratedFunction, internals, MANIFEST, RULE, resolverFor } from '../helpers/deploy-generator';

async function generate(params: Record<string, string>) {
  const settings = await internals.readSettings(resolverFor(params));
  const functions = internals.buildFunctions({ manifest: MANIFEST, settings });
  const policiesOf = (properties: Record<string, unknown>) =>
    (properties.Policies ?? []) as { PolicyName: string; PolicyDocument: { Statement: unknown[] } }[];
  const role = Object.values(internals.buildResources({ manifest: MANIFEST, settings }).Resources).find(
    (resource) =>
      resource.Type === 'AWS::IAM::Role' &&
      policiesOf(resource.Properties).some((p) => p.PolicyName === 'efsguard-rule'),
  );
  return { fn: functions[RULE.id] as GeneratedFunction, policies: role ? policiesOf(role.Properties) : [] };
}

describe('Security Hub deployment option', () => {
  it('is off by default: no environment switch, no sidecar in the zip, no Security Hub permission', async () => {
    const { fn, policies } = await generate({});
    expect(fn.environment?.EFSGUARD_SECURITY_HUB).toBeUndefined();
    expect(fn.package.patterns).toEqual(['!**', `dist/handlers/${RULE.id}/index.js`]);
    expect(policies.map((p) => p.PolicyName)).toEqual(['efsguard-rule']);
  });

  it('turns the sink on with BatchImportFindings on the account default product ARN only', async () => {
    const { fn, policies } = await generate({ securityHub: 'true' });
    expect(fn.environment?.EFSGUARD_SECURITY_HUB).toBe('true');
    expect(fn.package.patterns).toContain(`dist/handlers/${RULE.id}/securityhub.js`);
    const hub = policies.find((p) => p.PolicyName === 'efsguard-security-hub');
    expect(hub?.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ImportOwnFindings',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
        },
      },
    ]);
  });

  it('names the parameter when it is not a boolean, and refuses organization mode', async () => {
    await expect(generate({ securityHub: 'yes' })).rejects.toThrow(
      'param securityHub must be true or false, got "yes"',
    );
    await expect(generate({ securityHub: 'true', mode: 'organization' })).rejects.toThrow(
      'param securityHub=true is supported in account mode only',
    );
  });
});
