// The sweep benchmark's loopback endpoint (bench/fake-endpoint.ts) must answer every call the real
// loaders make, with what the snapshot holds: a loader that starts calling something new (as routing
// did) fails here rather than as a benchmark that silently measures nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegion } from '../../aws/load/region';
import { createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { generateAccount } from '../../bench/generate-account';

const ROOT = join(__dirname, '..', '..');

/** JSON's view of a value: dates as ISO text, absent members dropped. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('bench/fake-endpoint.ts against the real loaders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efsguard-endpoint-'));
  const file = join(dir, 'account.json');
  const account = generateAccount(1);
  let child: ChildProcess | undefined;
  let endpoint = '';

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify(account));
    child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-endpoint.ts', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = child;
    endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      started.stdout?.setEncoding('utf8');
      started.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const match = /listening (\d+)/.exec(out);
        if (match) resolve(`http://127.0.0.1:${match[1]}`);
      });
      started.on('exit', (code) => reject(new Error(`fake endpoint exited (${code})`)));
    });
  }, 60_000);

  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the network and routing of the snapshot as the loaders read them', async () => {
    const clients = createAwsClients({
      endpoint,
      region: account.region,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    try {
      const loaded = await loadRegion(clients, {
        accountId: account.accountId,
        parts: ['network', 'routing'],
      });
      expect(plain(loaded.routing)).toEqual(plain(account.routing));
      expect(loaded.routing?.transitGatewayRouteTables.length).toBeGreaterThan(0);
      expect(plain(loaded.vpcs)).toEqual(plain(account.vpcs));
      for (const part of ['subnets', 'securityGroups', 'networkInterfaces', 'networkAcls'] as const) {
        expect(plain(loaded[part])).toEqual(plain(account[part]));
      }
    } finally {
      destroyAwsClients(clients);
    }
  }, 60_000);
});
