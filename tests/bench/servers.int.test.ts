import Redis from 'ioredis';
import { describeServers, serverSettings } from '../../bench/support/servers';
import { connectMysql, parseMysqlUrl } from '../../infra/db';
import { TEST_MYSQL_URL } from '../support/mysql';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe("The bench's record of the shared servers", () => {
  it('When the servers are read, then the record gives what MySQL and Redis themselves report', async () => {
    const settings = await serverSettings(TEST_MYSQL_URL, REDIS_URL);

    const db = connectMysql(parseMysqlUrl(TEST_MYSQL_URL), {
      pool: { min: 0, max: 1 },
      withDatabase: false,
    });
    const redis = new Redis(REDIS_URL);
    try {
      const [[row]] = (await db.raw(
        'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool',
      )) as [{ version: string; pool: string }[]];
      expect(settings.mysql.version).toBe(row!.version);
      expect(settings.mysql.bufferPoolMiB * 1024 * 1024).toBe(Number(row!.pool));
      expect(settings.mysql.redoLogMiB).toBeGreaterThan(0);
      expect([0, 1, 2]).toContain(settings.mysql.flushLogAtTrxCommit);
      const version = /redis_version:(\S+)/.exec(await redis.info('server'))![1];
      expect(settings.redis.version).toBe(version);
    } finally {
      redis.disconnect();
      await db.destroy();
    }
    expect(describeServers(settings)).toContain(
      `InnoDB buffer pool ${settings.mysql.bufferPoolMiB} MiB`,
    );
  });
});
