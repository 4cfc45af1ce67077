import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from './node-flags';

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
 * Whether `port` can be listened on as the service listens (every address): false when another
 * program holds it, on any address.
 */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

export type SpawnOptions = {
  /**
   * In a process group of its own: a terminal's Ctrl-C or hang-up then reaches only the program
   * that started it, which stops it (SIGTERM, a graceful shutdown that leaves its Kafka consumer
   * groups) before it removes what the run made.
   */
  ownGroup?: boolean;
};

const OUTPUT_LIMIT = 4 * 1024 * 1024;

/**
 * Starts main.ts in one child process with only the environment given (and PATH): node with
 * tsx's loader, as `npm start` runs it. Not the `tsx` command: that is a parent process which
 * relays signals to the real one, SIGKILLs it when a SIGTERM is not acknowledged within about
 * 60 ms (a busy process may not manage), and is itself all a SIGKILL would reach.
 */
export function spawnService(env: Record<string, string>, options: SpawnOptions = {}) {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > OUTPUT_LIMIT) out = out.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/**
 * The service as `npm start` runs it (main.ts through tsx), in one child process this test can kill: with
 * SIGKILL, as a crash; with SIGTERM, as a shutdown. Keeps the tail of its output for failures.
 * Used by the tests and by the demo.
 */
export function serviceProcess(env: Record<string, string>, options: SpawnOptions = {}) {
  const base = `http://127.0.0.1:${env.PORT}`;
  let current: ReturnType<typeof spawnService> | undefined;
  let last = '';

  async function start(ms = 90_000) {
    const proc = spawnService(env, options);
    current = proc;
    const deadline = Date.now() + ms;
    for (;;) {
      if (proc.child.exitCode !== null)
        throw new Error(`the service exited at start:\n${proc.output().slice(-8_000)}`);
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`the service did not start:\n${proc.output().slice(-8_000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function signal(name: 'SIGKILL' | 'SIGTERM') {
    const proc = current;
    current = undefined;
    if (!proc) return;
    last = proc.output();
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill(name);
    await proc.exited;
    last = proc.output();
  }

  return {
    base,
    start,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    /** The output of the running process, or of the last one stopped. */
    output: () => (current ? current.output() : last).slice(-8_000),
  };
}
