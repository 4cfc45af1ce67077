import type { Knex } from 'knex';
import { migrationSource } from './migrations';
import { connectMysql, ensureDatabase } from './connect';
import type { MysqlTarget } from './mysql-url';
import { holdNamedLock } from './named-lock';

const LOCK_WAIT_SECONDS = 120;

/**
 * Brings the schema up to date. Safe to run again, and from several processes at once: the whole
 * migration runs under a MySQL named lock held by a connection of its own, so instances starting
 * together on a new database take turns. Knex's own lock is not enough for that: it creates its
 * bookkeeping tables and lock row without guarding against a concurrent first run, and two lock
 * rows leave every later run "already locked" for good.
 */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [[{ name }]] = (await db.raw(
    "SELECT CONCAT('flashsale-migrate:', DATABASE()) AS name",
  )) as [[{ name: string }]];
  const lock = await holdNamedLock(db, name, LOCK_WAIT_SECONDS);
  if (!lock) {
    throw new Error(
      `another process has been migrating this database for ${LOCK_WAIT_SECONDS} s; try again later`,
    );
  }
  try {
    const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
    return applied;
  } finally {
    await lock.release();
  }
}

export async function migrateDatabase(target: MysqlTarget): Promise<string[]> {
  await ensureDatabase(target);
  // One connection holds the lock, another runs the migration.
  const db = connectMysql(target, { pool: { min: 0, max: 2 } });
  try {
    return await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

export { migrationSource };
