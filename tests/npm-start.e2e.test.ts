import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { dropPrefix } from '../infra/redis';
import { testTopicPrefix } from './support/kafka';
import { createTestDatabase, type TestDatabase } from './support/mysql';
import { until } from './support/wait';

/**
 * `npm start` is what an operator runs and what a process manager stops: npm runs the script
 * through `sh -c`, and a SIGTERM that npm passes to a shell the service runs under would leave
 * the service running, orphaned. The script execs node, so the signal reaches the service.
 */
describe('npm start', () => {
  const topics = testTopicPrefix('npmstart');
  let database: TestDatabase;
  const stopGroups: (() => void)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('npmstart');
  });
  const prefix = `t-npmstart-${process.pid}`;
  afterAll(async () => {
    for (const stop of stopGroups) stop();
    await database.drop();
    await topics.drop();
    // The service's marker of its Redis lifetime, written at start-up.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  /** `npm start` in a process group of its own, as a terminal runs it; once it listens. */
  async function npmStart() {
    const npm = spawn('npm', ['start'], {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        PORT: '0',
        MYSQL_URL: database.url,
        REDIS_KEY_PREFIX: prefix,
        KAFKA_TOPIC_PREFIX: topics.prefix,
        JWT_SECRET: 'jwt-secret-for-the-npm-start-test',
        PAYMENT_WEBHOOK_SECRET: 'webhook-secret-for-the-npm-start-test',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: whatever the signal missed is killed with the group afterwards.
      detached: true,
    });
    stopGroups.push(() => {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group is gone already: nothing was left running.
      }
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));

    await until(() => /"msg":"listening"/.test(output), 60_000);
    const port = Number(/"port":(\d+)/.exec(output)![1]);
    const healthz = `http://127.0.0.1:${port}/healthz`;
    expect((await fetch(healthz)).status).toBe(200);
    return { npm, exited, healthz, output: () => output };
  }

  it('When npm start gets SIGTERM, then the service shuts down and its port closes', async () => {
    const service = await npmStart();
    service.npm.kill('SIGTERM');
    await service.exited;
    await until(() => /"msg":"stopped"/.test(service.output()), 15_000);
    await expect(fetch(service.healthz)).rejects.toThrow();
  }, 120_000);

  it('When Ctrl-C reaches npm start and the service at once, then the service still shuts down in order', async () => {
    const service = await npmStart();
    // The terminal signals the whole foreground group, and npm passes the signal on as well.
    process.kill(-service.npm.pid!, 'SIGINT');
    await service.exited;
    await until(() => /"msg":"stopped"/.test(service.output()), 15_000);
    expect(service.output()).not.toMatch(/second signal/);
    await expect(fetch(service.healthz)).rejects.toThrow();
  }, 120_000);
});
