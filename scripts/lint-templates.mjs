#!/usr/bin/env node
// Lints the packaged templates like a rollout: cfn-lint validates each template against the
// CloudFormation schema of every region efsguard supports (deploy/serverless/regions.cjs), with
// several regions in one cfn-lint run per template. The account template with remediation is linted
// only where AWS::Config::RemediationConfiguration exists; elsewhere the package leaves it out.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { SUPPORTED_REGIONS, REMEDIATION_CONFIGURATION_REGIONS } = require('../deploy/serverless/regions.cjs');

/** One cfn-lint run over a template for the given regions; resolves to { code, output, seconds }. */
export async function lintTemplate(file, regions) {
  const started = Date.now();
  const result = await run('cfn-lint', ['--regions', ...regions, '--', file], {
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  return { ...result, file, regions, seconds: (Date.now() - started) / 1000 };
}

/** Lints the jobs ({ file, regions }) two at a time. */
export async function lintTemplates(jobs) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await lintTemplate(jobs[index].file, jobs[index].regions);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

export { REMEDIATION_CONFIGURATION_REGIONS, SUPPORTED_REGIONS };

// node scripts/lint-templates.mjs: lints what `npm run package` wrote, as npm test does for every variant.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'serverless');
  const template = (name) => join(out, name, 'cloudformation-template-update-stack.json');
  const accountHasRemediation = JSON.parse(readFileSync(template('account'), 'utf8')).Resources
    .RemediationConfiguration;
  const results = await lintTemplates([
    {
      file: template('account'),
      regions: accountHasRemediation ? REMEDIATION_CONFIGURATION_REGIONS : SUPPORTED_REGIONS,
    },
    { file: template('organization'), regions: SUPPORTED_REGIONS },
    { file: join(out, 'member', 'efsguard-member.json'), regions: SUPPORTED_REGIONS },
  ]);
  for (const result of results) {
    console.log(`${result.file}: ${result.regions.length} regions, ${result.seconds.toFixed(1)} s`);
    if (result.output) console.log(result.output);
  }
  process.exitCode = results.some((result) => result.code !== 0) ? 1 : 0;
}
