import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../infra/local/node-flags';

const root = join(__dirname, '..', '..');

export type Server = { name: string; url: string; pid: number; stop(): Promise<void> };

/**
 * Starts a TypeScript entry point in its own process and waits until `ready` answers.
 * `nodeArgs` go to node (e.g. `--cpu-prof`).
 */
export async function startServer(
  name: string,
  entry: string,
  port: number,
  env: Record<string, string>,
  readyPath = '/readyz',
  nodeArgs: string[] = [],
): Promise<Server> {
  // One node process: the `tsx` command would be a parent relaying signals to a child.
  const child: ChildProcess = spawn(
    process.execPath,
    [...SERVICE_NODE_FLAGS, '--import', 'tsx', ...nodeArgs, entry],
    {
      cwd: root,
      env: { ...process.env, PORT: String(port), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      const res = await fetch(`${url}${readyPath}`, {
        method: readyPath === '/v1/orders' ? 'POST' : 'GET',
      });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
