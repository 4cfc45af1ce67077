import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { connectMysql, parseMysqlUrl } from '../../infra/db';
import { processesWithEnv } from '../../infra/local/processes';
import { freePort } from '../../infra/local/service-process';
import { dropPrefix } from '../../infra/redis';
import { testKafka } from '../support/kafka';
import { TEST_MYSQL_URL } from '../support/mysql';

const root = join(__dirname, '..', '..');

type Ended = { code: number | null; signal: string | null; stdout: string; stderr: string };

/**
 * `npm run demo`, in a process group of its own, so that a signal to the group reaches every
 * process (npm, its shell, the demo, the service's processes) as Ctrl-C in a terminal does.
 */
function startDemo(args: string[]) {
  const child = spawn('npm', ['run', '-s', 'demo', '--', ...args], {
    cwd: root,
    env: { ...process.env, MYSQL_URL: TEST_MYSQL_URL },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, ended, stdout: () => stdout };
}

/** Waits until the demo has listed its SKU: the service runs and the buyers are about to come. */
async function saleStarted(demo: ReturnType<typeof startDemo>): Promise<void> {
  for (const deadline = Date.now() + 45_000; !/listed HOT-1/.test(demo.stdout());) {
    if (Date.now() > deadline) throw new Error(`the sale did not start:\n${demo.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The demo's service processes, found by the Redis prefix given to the sale. */
const servicesOf = (prefix: string) => processesWithEnv('REDIS_KEY_PREFIX', prefix);

/** The Kafka topics and consumer groups a demo names its own (`demo-<run>.`). */
async function demoTopicsAndGroups(): Promise<string[]> {
  const admin = testKafka('test-demo').admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const { groups } = await admin.listGroups();
    return [...topics, ...groups.map((g) => `group:${g.groupId}`)]
      .filter((name) => /^(group:)?demo-[0-9a-f]{6}\./.test(name))
      .sort();
  } finally {
    await admin.disconnect();
  }
}

const count = (text: string, pattern: RegExp): number => {
  const match = text.match(pattern);
  return match ? Number(match[1]!.replace(/,/g, '')) : 0;
};

describe('npm run demo, as a user runs it', () => {
  const id = randomBytes(4).toString('hex');
  const database = `t_demo_${id}`;
  const prefix = `t-demo-${id}`;
  const own = ['--database', database, '--redis-prefix', prefix];
  /** A sale that lasts long enough (a 30 s time-to-live) to be interrupted in its middle. */
  const longSale = (port: number) =>
    startDemo([
      '--buyers',
      '3000',
      '--stock',
      '300',
      '--ttl',
      '30',
      '--port',
      String(port),
      ...own,
    ]);
  const base = parseMysqlUrl(TEST_MYSQL_URL);
  const server = connectMysql(base, { pool: { min: 0, max: 1 }, withDatabase: false });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let before: string[];

  beforeAll(async () => {
    before = await demoTopicsAndGroups();
  });

  afterAll(async () => {
    await server.raw('DROP DATABASE IF EXISTS ??', [database]);
    await server.destroy();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  const events = async () => {
    const [rows] = (await server.raw('SELECT COUNT(*) AS n FROM ??.es_events', [database])) as [
      { n: number }[],
    ];
    return Number(rows[0]!.n);
  };

  it('When a small sale runs, then every invariant holds, the report adds up, and nothing of it keeps running', async () => {
    const port = await freePort();
    const flags = ['--buyers', '200', '--stock', '30', '--ttl', '2', '--concurrency', '40'];
    const demo = startDemo([...flags, '--port', String(port), ...own]);
    const { code, stdout, stderr } = await demo.ended;
    if (code !== 0) throw new Error(`the demo exited ${code}:\n${stdout}\n${stderr}`);
    expect(stdout).toContain('Every invariant held.');

    const accepted = count(stdout, /purchase attempts [\d,]+: accepted ([\d,]+)/);
    const refused = ['sold out', 'over the limit', 'failed'].map((what) =>
      count(stdout, new RegExp(`purchase attempts [\\d,]+: .*${what} ([\\d,]+)`)),
    );
    expect(accepted).toBeGreaterThan(0);
    expect(count(stdout, /purchase attempts ([\d,]+)/)).toBe(
      accepted + refused.reduce((a, b) => a + b),
    );
    // Every accepted order ended one way, and the refunds are the event store's.
    expect(count(stdout, /accepted orders by how they ended: .*\(([\d,]+) in all\)/)).toBe(
      accepted,
    );
    expect(stdout).not.toMatch(/answered unexpectedly/);
    expect(count(stdout, /event store: .*OrderPlaced ([\d,]+)/)).toBe(accepted);
    expect(count(stdout, /paid too late and refunded ([\d,]+)/)).toBe(
      count(stdout, /event store: .*PaymentRefunded ([\d,]+)/),
    );
    expect(await events()).toBeGreaterThan(accepted);
    expect(servicesOf(prefix)).toEqual([]);
    expect(await demoTopicsAndGroups()).toEqual(before);
  }, 180_000);

  it('When its port is taken, then the demo says so in one line, starts nothing and keeps the last sale', async () => {
    const kept = await events();
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stdout, stderr } = await startDemo(['--port', String(port), ...own]).ended;
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`demo failed: port ${port} cannot be listened on`));
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).not.toMatch(/starting the service/);
    } finally {
      taken.close();
    }
    expect(await events()).toBe(kept);
    expect(servicesOf(prefix)).toEqual([]);
  }, 60_000);

  it('When the reader of its output goes away mid-sale (| head), then the demo stops the service and removes its Kafka topics before it ends', async () => {
    const demo = longSale(await freePort());
    await saleStarted(demo);
    expect(servicesOf(prefix)).toHaveLength(2);
    // As `| head` does once it has its lines: the next progress line finds the pipe closed.
    demo.child.stdout!.destroy();
    const { code, stderr } = await demo.ended;
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/demo failed|Error/);
    expect(servicesOf(prefix)).toEqual([]);
    expect(await demoTopicsAndGroups()).toEqual(before);
  }, 120_000);

  it.each([
    // npm passes the demo's 130 on; a hang-up ends npm itself, while the demo (129) finishes.
    ['Ctrl-C', 'SIGINT', { code: 130, signal: null }],
    ['a closed terminal', 'SIGHUP', { code: null, signal: 'SIGHUP' }],
  ] as const)(
    'When %s (%s) reaches the demo in the middle of the sale, then it stops the service and removes its Kafka topics before it ends',
    async (_, signal, exit) => {
      const demo = longSale(await freePort());
      await saleStarted(demo);
      expect(servicesOf(prefix)).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 1_000));
      // As a terminal does: every process of its group (npm, its shell, the demo) gets it.
      process.kill(-demo.child.pid!, signal);
      const ended = await demo.ended;
      const { stdout, stderr } = ended;
      expect({ code: ended.code, signal: ended.signal }).toEqual(exit);
      expect(stdout).toContain(`interrupted (${signal}): stopping the service`);
      expect(stderr).not.toMatch(/demo failed/);
      expect(servicesOf(prefix)).toEqual([]);
      expect(await demoTopicsAndGroups()).toEqual(before);
    },
    120_000,
  );

  it('When the demo is killed outright (SIGKILL) mid-sale, then the next run stops the service it left, removes its topics, and runs its own sale', async () => {
    const port = await freePort();
    const killed = longSale(port);
    await saleStarted(killed);
    // npm, its shell and the demo die at once; the service's processes, in groups of their own, run on.
    process.kill(-killed.child.pid!, 'SIGKILL');
    await killed.ended;
    const left = servicesOf(prefix);
    expect(left).toHaveLength(2);
    expect(await demoTopicsAndGroups()).not.toEqual(before);

    const flags = ['--buyers', '100', '--stock', '20', '--ttl', '2', '--concurrency', '20'];
    const { code, stdout, stderr } = await startDemo([...flags, '--port', String(port), ...own])
      .ended;
    if (code !== 0) throw new Error(`the demo exited ${code}:\n${stdout}\n${stderr}`);
    expect(stdout).toMatch(
      /an earlier demo \(run [0-9a-f]{6}\) was killed before it cleaned up: stopped its 2 service process\(es\) and removed its Kafka topics/,
    );
    expect(stdout).toContain('Every invariant held.');
    expect(servicesOf(prefix)).toEqual([]);
    expect(await demoTopicsAndGroups()).toEqual(before);
    // Nothing to finish after a run that cleaned up after itself.
    expect(await redis.exists(`{${prefix}}:demo-run`)).toBe(0);
  }, 180_000);

  it('When another demo runs with the same Redis prefix, then the demo refuses in one line and drops nothing of it', async () => {
    const first = longSale(await freePort());
    try {
      await saleStarted(first);
      const placed = await events();
      const second = await startDemo(['--port', String(await freePort()), ...own]).ended;
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(
          `demo failed: another demo \\(process \\d+\\) is running with Redis prefix '${prefix}'`,
        ),
      );
      expect(second.stdout).not.toMatch(/starting the service/);
      expect(servicesOf(prefix)).toHaveLength(2);
      expect(await events()).toBeGreaterThanOrEqual(placed);
    } finally {
      process.kill(-first.child.pid!, 'SIGINT');
    }
    expect((await first.ended).code).toBe(130);
    expect(servicesOf(prefix)).toEqual([]);
    expect(await demoTopicsAndGroups()).toEqual(before);
  }, 180_000);
});
