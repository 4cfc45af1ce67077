import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../../infra/local/service-process';

export { freePort };

const root = join(__dirname, '..', '..');
const LIBS = join(root, '.data', 'kafka', 'libs');

/**
 * A Kafka broker of one test's own, from the jars `npm run infra:up` resolved, so the test can
 * stop it and start it again without touching the broker every other test uses.
 */
export async function startPrivateBroker() {
  if (!existsSync(LIBS)) {
    throw new Error(`no Kafka jars in ${LIBS}: run 'npm run infra:up' first`);
  }
  const dir = join(root, '.data', `kafka-test-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const [port, controllerPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'server.properties'),
    readFileSync(join(root, 'infra', 'local', 'kafka', 'server.properties'), 'utf8')
      .replaceAll('@HOST@', '127.0.0.1')
      .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
      .replaceAll('@PORT@', String(port))
      .replaceAll('@LOG_DIRS@', join(dir, 'data')),
  );
  writeFileSync(
    join(dir, 'log4j2.properties'),
    readFileSync(join(root, 'infra', 'local', 'kafka', 'log4j2.properties'), 'utf8'),
  );
  const log4j = `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`;
  const format = spawnSync(
    'java',
    [
      log4j,
      '-cp',
      `${LIBS}/*`,
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '-t',
      '5L6g3nShT-eMCtK--X86sw',
      '-c',
      join(dir, 'server.properties'),
    ],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new Error(`kafka format failed: ${format.stderr}`);
  const broker = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start() {
    child = spawn(
      'java',
      [
        '-Xms128m',
        '-Xmx384m',
        '-XX:+UseG1GC',
        log4j,
        '-cp',
        `${LIBS}/*`,
        'kafka.Kafka',
        join(dir, 'server.properties'),
      ],
      { stdio: 'ignore' },
    );
    const admin = new Kafka({
      clientId: 'test-broker-probe',
      brokers: [broker],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await admin.connect();
        await admin.listTopics();
        await admin.disconnect();
        return;
      } catch {
        await admin.disconnect().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`the private broker at ${broker} did not start`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async function stop() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 20_000).unref();
    });
  }

  await start();
  return {
    broker,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
