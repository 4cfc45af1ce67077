import knex, { type Knex } from 'knex';

export type MysqlTarget = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

export function parseMysqlUrl(url: string): MysqlTarget {
  const u = new URL(url);
  if (u.protocol !== 'mysql:') throw new Error(`expected a mysql:// URL, got ${u.protocol}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new Error('the database name must be 1-64 characters of [A-Za-z0-9_]');
  }
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    database,
  };
}

export function connectMysql(
  target: MysqlTarget,
  options: { pool?: { min: number; max: number }; withDatabase?: boolean } = {},
): Knex {
  const { database, ...server } = target;
  return knex({
    client: 'mysql2',
    connection: {
      ...server,
      ...(options.withDatabase === false ? {} : { database }),
      charset: 'utf8mb4',
      timezone: 'Z',
      // The event store sends a transaction's statements together (infra/eventstore/mysql-session.ts);
      // values are always bound, never pasted into SQL, so this opens no injection path.
      multipleStatements: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: false,
      connectTimeout: 5_000,
    },
    pool: options.pool ?? { min: 0, max: 10 },
    acquireConnectionTimeout: 10_000,
  });
}

/** Creates the database when it is missing; a no-op otherwise. */
export async function ensureDatabase(target: MysqlTarget): Promise<void> {
  const server = connectMysql(target, { pool: { min: 0, max: 1 }, withDatabase: false });
  try {
    await server.raw(
      'CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      [target.database],
    );
  } finally {
    await server.destroy();
  }
}
