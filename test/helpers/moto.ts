// Starts a real moto_server on a free loopback port for integration tests (and the demo recorder).
// One server per test file: start it in beforeAll, stop it in afterAll, reset it between scenarios.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly endpoint: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

import { MOTO_REGION } from './accounts';

/** Dummy credentials and region for SDK clients pointed at moto (never real ones). */
export function useMotoCredentials(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ACCESS_KEY_ID = 'testing';
  env.AWS_SECRET_ACCESS_KEY = 'testing';
  env.AWS_SESSION_TOKEN = 'testing';
  env.AWS_REGION = MOTO_REGION;
  // No instance-metadata lookups from a test machine.
  env.AWS_EC2_METADATA_DISABLED = 'true';
}

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts moto_server on a free 127.0.0.1 port and waits until it answers. */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  useMotoCredentials();
  const port = await findFreePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`cannot start moto_server (pip install 'moto[server]'): ${error.message}`)),
    );
  });
  await spawned;
  try {
    await waitUntilAnswering(endpoint, child, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // moto's werkzeug server normally stops at once; do not let a stuck one hold the test run.
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
