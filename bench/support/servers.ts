import Redis from 'ioredis';
import type { Knex } from 'knex';
import { DEFAULT_MYSQL_URL, DEFAULT_REDIS_URL } from '../../infra/config/defaults';
import { connectMysql, parseMysqlUrl } from '../../infra/db';

/** The settings of the shared servers that move the figures: written into every result. */
export type ServerSettings = {
  mysql: {
    version: string;
    bufferPoolMiB: number;
    /** innodb_redo_log_capacity (MySQL 8.0.30+), else the log files' total size. */
    redoLogMiB: number;
    flushLogAtTrxCommit: number;
  };
  redis: { version: string; persistence: string };
};

const MiB = 1024 * 1024;

export async function serverSettings(
  mysqlUrl = process.env.MYSQL_URL ?? DEFAULT_MYSQL_URL,
  redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
): Promise<ServerSettings> {
  const db = connectMysql(parseMysqlUrl(mysqlUrl), {
    pool: { min: 0, max: 1 },
    withDatabase: false,
  });
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const [mysql, info, save] = await Promise.all([
      mysqlSettings(db),
      redis.info('persistence').then(async (p) => [p, await redis.info('server')].join('\n')),
      redis.config('GET', 'save') as Promise<string[]>,
    ]);
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    const persistence = [
      field('aof_enabled') === '1' ? 'AOF' : undefined,
      save[1] ? `RDB (save ${save[1]})` : undefined,
    ].filter(Boolean);
    return {
      mysql,
      redis: {
        version: field('redis_version') ?? 'unknown',
        persistence: persistence.join(' + ') || 'none',
      },
    };
  } finally {
    redis.disconnect();
    await db.destroy();
  }
}

async function mysqlSettings(db: Knex): Promise<ServerSettings['mysql']> {
  const [[row]] = (await db.raw(
    'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush',
  )) as [{ version: string; pool: string; flush: string }[]];
  return {
    version: row!.version,
    bufferPoolMiB: Number(row!.pool) / MiB,
    redoLogMiB: (await redoLogBytes(db)) / MiB,
    flushLogAtTrxCommit: Number(row!.flush),
  };
}

/** MySQL 8.0.30+ sizes its redo log by one variable; MariaDB and older MySQL by the files. */
async function redoLogBytes(db: Knex): Promise<number> {
  const [rows] = (await db.raw(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN
       ('innodb_redo_log_capacity', 'innodb_log_file_size', 'innodb_log_files_in_group')`,
  )) as [{ Variable_name: string; Value: string }[]];
  const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value;
  const capacity = value('innodb_redo_log_capacity');
  if (capacity) return Number(capacity);
  return (
    Number(value('innodb_log_file_size') ?? 0) * Number(value('innodb_log_files_in_group') ?? 1)
  );
}

/** One line for the console and the report. */
export function describeServers(s: ServerSettings): string {
  const m = s.mysql;
  return (
    `${/mariadb/i.test(m.version) ? 'MariaDB' : 'MySQL'} ${m.version} (InnoDB buffer pool ${m.bufferPoolMiB} MiB, redo log ${m.redoLogMiB} MiB, ` +
    `innodb_flush_log_at_trx_commit ${m.flushLogAtTrxCommit}); ` +
    `Redis ${s.redis.version} (persistence: ${s.redis.persistence})`
  );
}
