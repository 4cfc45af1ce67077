import knex, { type Knex } from 'knex';
import type { MysqlTarget } from './mysql-url';

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
