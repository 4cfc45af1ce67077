import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../../infra/local/service-process';
import { until } from './wait';

/**
 * A Redis server of a test's own (Debian's `redis-server`, as on every machine here), on a free
 * port with a directory of its own: for what must not touch the shared one (its settings, its
 * restarts). Nothing is saved unless the test asks (`SAVE`); `stop` is a crash (SIGKILL), and
 * `start` brings it back on the same port from what it saved.
 */
export async function startRedisServer(args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-server-'));
  const port = await freePort();
  let server: ChildProcess | undefined;

  const answers = async () => {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  };

  async function start() {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { cwd: dir, stdio: 'ignore' },
    );
    await until(answers, 10_000);
  }

  async function stop() {
    if (!server) return;
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    server = undefined;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    /** Stops it and removes its directory. */
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
