import type { Knex } from 'knex';
import { migrationSource } from './migrations';
import { connectMysql, ensureDatabase, type MysqlTarget } from './connect';

/** Brings the schema up to date. Safe to run again, and from several processes at once. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function migrateDatabase(target: MysqlTarget): Promise<string[]> {
  await ensureDatabase(target);
  const db = connectMysql(target, { pool: { min: 0, max: 1 } });
  try {
    return await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

export { migrationSource };
