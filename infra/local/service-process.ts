import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The service as `npm start` runs it (main.ts through tsx), in one child process this test can kill: with
 * SIGKILL, as a crash; with SIGTERM, as a shutdown. Keeps the tail of its output for failures.
 * Used by the tests and by the demo.
 */
export function serviceProcess(env: Record<string, string>) {
  const base = `http://127.0.0.1:${env.PORT}`;
  let child: ChildProcess | undefined;
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };

  async function start(ms = 90_000) {
    // tsx's CLI runs the script in a child of its own, which a SIGKILL would leave running:
    // node with tsx's loader is one process.
    const proc = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    child = proc;
    const deadline = Date.now() + ms;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`the service exited at start:\n${tail}`);
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`the service did not start:\n${tail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function signal(name: 'SIGKILL' | 'SIGTERM') {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(name);
    await exited;
  }

  return {
    base,
    start,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    output: () => tail,
  };
}
