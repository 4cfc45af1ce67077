import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connectMysql, databaseExists, ensureDatabase, parseMysqlUrl } from '../../infra/db';
import { MysqlEventStore } from '../../infra/eventstore';
import { createTestDatabase, TEST_MYSQL_URL } from '../support/mysql';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

type Run = { code: number; stdout: string; stderr: string };

function run(program: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      [program, ...args],
      { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Each program, a command line it must refuse, and what the refusal names. */
const PROGRAMS: [string, string[], RegExp][] = [
  ['demo/run.ts', ['--buyers', '0'], /--buyers must be a whole number from 1/],
  ['bench/orders.bench.ts', ['--connections', '100,abc'], /--connections takes whole numbers/],
  ['bench/ab.bench.ts', ['--a-env', 'WRITERS'], /--a-env takes K=V pairs/],
  ['bench/eventstore.bench.ts', ['--concurrency', '0'], /--concurrency must be a whole number/],
  ['bench/projections.bench.ts', ['--rate'], /'--rate <value>' argument missing/],
  ['bench/report/screenshot.ts', ['--report', '/no/such/report.html'], /--report: no file/],
  ['projections/replay-cli.ts', ['--projection', 'ordres'], /--projection must be one of orders/],
  ['infra/db/migrate-cli.ts', ['now'], /Unexpected argument 'now'/],
  ['infra/cli/audit.ts', ['orders', 'x'], /audit what: order or sku/],
  ['infra/cli/audit.ts', ['sku', 'X', '--bogus'], /Unknown option '--bogus'/],
  ['infra/cli/token.ts', ['--user', 'al ice'], /--user must be 1-64 characters/],
];

describe('the command lines of the programs', () => {
  it.each(PROGRAMS)(
    'When %s is given a bad command line, then it exits 2 with the reason and its usage, no stack',
    async (program, args, reason) => {
      const { code, stdout, stderr } = await run(program, args);
      expect(code).toBe(2);
      expect(stderr).toMatch(reason);
      expect(stderr).toMatch(/npm run /);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stdout).toBe('');
    },
  );

  it.each(PROGRAMS.map(([program]) => [program]))(
    'When %s is given --help, then it prints its usage and exits 0',
    async (program) => {
      const { code, stdout, stderr } = await run(program, ['--help']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/npm run /);
    },
  );

  it('When the reader of its output goes away first (| head), then a program ends quietly', async () => {
    const child = spawn(tsx, ['infra/cli/token.ts', '--user', 'piped'], {
      cwd: root,
      env: { ...process.env, JWT_SECRET: 'a-secret-for-the-pipe-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('When replay rebuilds a store off a terminal, then it reports progress once per reading, ends with one 100 % line, and says how many events it rebuilt from', async () => {
    const t = await createTestDatabase('cli_replay');
    try {
      const store = new MysqlEventStore(t.db);
      for (let i = 0; i < 3; i++) {
        await store.append(
          `sku-R${i}`,
          [
            {
              type: 'SkuListed',
              data: {
                skuId: `R${i}`,
                name: 'r',
                price: 100,
                currency: 'EUR',
                perUserLimit: null,
                listedAt: '2026-12-03T10:00:00.000Z',
              },
            },
            {
              type: 'SkuRestocked',
              data: { skuId: `R${i}`, quantity: 5, restockedAt: '2026-12-03T10:00:00.000Z' },
            },
          ],
          { expectedRevision: 'no_stream' },
        );
      }
      await store.close();
      const { code, stdout, stderr } = await run('projections/replay-cli.ts', [], {
        MYSQL_URL: t.url,
      });
      expect({ code, stdout }).toEqual({
        code: 0,
        stdout: expect.stringMatching(/^rebuilt orders, .* from 6 events in [\d.]+ s\n$/),
      });
      const lines = stderr.trimEnd().split('\n');
      expect(lines.filter((l) => l.includes('100.0% 6/6 events'))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/100\.0% 6\/6 events/);
      // A projection named twice is rebuilt once.
      const twice = await run(
        'projections/replay-cli.ts',
        ['--projection', 'orders', '--projection', 'orders'],
        {
          MYSQL_URL: t.url,
        },
      );
      expect(twice).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^rebuilt orders from 6 events/),
      });
    } finally {
      await t.drop();
    }
  });

  it('When migrate is asked for help or refused, then no database is created', async () => {
    const database = `t_cli_${randomBytes(4).toString('hex')}`;
    const url = new URL(TEST_MYSQL_URL);
    url.pathname = `/${database}`;
    for (const args of [['--help'], ['--fast']]) {
      await run('infra/db/migrate-cli.ts', args, { MYSQL_URL: url.toString() });
    }
    const server = connectMysql(parseMysqlUrl(TEST_MYSQL_URL), {
      pool: { min: 0, max: 1 },
      withDatabase: false,
    });
    try {
      const [rows] = (await server.raw('SHOW DATABASES LIKE ?', [database])) as [unknown[]];
      expect(rows).toHaveLength(0);
      // The same command line without the bad flag does create it: the check above can fail.
      const { code } = await run('infra/db/migrate-cli.ts', [], { MYSQL_URL: url.toString() });
      expect(code).toBe(0);
      const [after] = (await server.raw('SHOW DATABASES LIKE ?', [database])) as [unknown[]];
      expect(after).toHaveLength(1);
    } finally {
      await server.raw('DROP DATABASE IF EXISTS ??', [database]);
      await server.destroy();
    }
  });

  it.each([
    ['infra/cli/audit.ts', ['order', 'x']],
    ['projections/replay-cli.ts', []],
  ])(
    'When %s is given an EVENT_STORE it does not know, then it exits 2 naming the variable',
    async (program, args) => {
      const { code, stdout, stderr } = await run(program, args, { EVENT_STORE: 'postgres' });
      expect(code).toBe(2);
      expect(stderr).toMatch(/EVENT_STORE /);
      expect(stderr).toMatch(/npm run /);
      expect(stdout).toBe('');
    },
  );

  it.each([
    ['infra/cli/audit.ts', ['order', '0190a6f0-0000-7000-8000-000000000000'], /audit failed/],
    ['projections/replay-cli.ts', [], /replay failed/],
  ])(
    'When EVENT_STORE=esdb, then %s reads EventStoreDB, not the MySQL tables (here: none answers)',
    async (program, args, failed) => {
      const database = `t_cli_${randomBytes(4).toString('hex')}`;
      const url = new URL(TEST_MYSQL_URL);
      url.pathname = `/${database}`;
      await ensureDatabase(parseMysqlUrl(url.toString()));
      try {
        const { code, stdout, stderr } = await run(program, args, {
          MYSQL_URL: url.toString(),
          EVENT_STORE: 'esdb',
          EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
        });
        expect(code).toBe(1);
        expect(stderr).toMatch(failed);
        expect(stderr).toMatch(/EventStoreDB did not answer/);
        // Reading the MySQL store would have answered "no order" or rebuilt from no events.
        expect(stdout).not.toMatch(/no order|rebuilt/);
      } finally {
        const server = connectMysql(parseMysqlUrl(TEST_MYSQL_URL), {
          pool: { min: 0, max: 1 },
          withDatabase: false,
        });
        await server.raw('DROP DATABASE IF EXISTS ??', [database]);
        await server.destroy();
      }
    },
  );

  it.each([
    ['projections/replay-cli.ts', [], /replay failed: database t_cli_missing_\w+ does not exist/],
    ['infra/cli/audit.ts', ['sku', 'X'], /audit failed: database t_cli_missing_\w+ does not exist/],
  ])(
    'When MYSQL_URL names a database that does not exist, then %s says so, exits 1 and creates nothing',
    async (program, args, refused) => {
      const database = `t_cli_missing_${randomBytes(4).toString('hex')}`;
      const url = new URL(TEST_MYSQL_URL);
      url.pathname = `/${database}`;
      const { code, stdout, stderr } = await run(program, args, { MYSQL_URL: url.toString() });
      expect(code).toBe(1);
      expect(stderr).toMatch(refused);
      expect(stderr).toMatch(/MYSQL_URL/);
      expect(stdout).toBe('');
      expect(await databaseExists(parseMysqlUrl(url.toString()))).toBe(false);
    },
  );
});
