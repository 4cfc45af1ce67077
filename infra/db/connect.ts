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
    log: { warn: knexSays, error: knexSays, deprecate: knexSays, debug: () => undefined },
  });
}

/**
 * knex's own messages go to stderr as one line, never to stdout, where the service writes its JSON
 * log. A connection it could not get is left out: the failed query reports it to its caller.
 */
function knexSays(message: unknown): void {
  const text = String(message instanceof Error ? message.message : message).split('\n')[0]!;
  if (text.startsWith('Acquire connection error')) return;
  process.stderr.write(`knex: ${text}\n`);
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

/**
 * Whether the database exists, for the command-line tools that read one and must not create it
 * (a mistyped name would otherwise be created empty and read as "nothing there"). A server that
 * does not answer is an error naming MYSQL_URL.
 */
export async function databaseExists(target: MysqlTarget): Promise<boolean> {
  const server = connectMysql(target, { pool: { min: 0, max: 1 }, withDatabase: false });
  try {
    const [rows] = (await server.raw(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [target.database],
    )) as [{ name: string }[]];
    return rows.length > 0;
  } catch (error) {
    throw new Error(
      `MySQL at ${target.host}:${target.port} (MYSQL_URL) did not answer: ${(error as Error).message}`,
    );
  } finally {
    await server.destroy();
  }
}

/** Fails with a message naming MYSQL_URL unless the database exists. */
export async function requireDatabase(target: MysqlTarget): Promise<void> {
  if (!(await databaseExists(target))) {
    throw new Error(
      `database ${target.database} does not exist on ${target.host}:${target.port} (MYSQL_URL names it)`,
    );
  }
}
