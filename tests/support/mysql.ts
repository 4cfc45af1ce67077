import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { connectMysql, migrateDatabase, parseMysqlUrl, type MysqlTarget } from '../../infra/db';
import { MysqlEventStore } from '../../infra/eventstore';

export const TEST_MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/flashsale';

export type TestDatabase = {
  target: MysqlTarget;
  url: string;
  db: Knex;
  /** Another pool on the same database: another process, as far as MySQL can tell. */
  connect(): Knex;
  drop(): Promise<void>;
};

/** A fresh, migrated database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const base = parseMysqlUrl(TEST_MYSQL_URL);
  const database = `t_${label}_${randomBytes(4).toString('hex')}`.slice(0, 64);
  const target = { ...base, database };
  await migrateDatabase(target);
  const pools: Knex[] = [];
  const connect = () => {
    const pool = connectMysql(target, { pool: { min: 0, max: 10 } });
    pools.push(pool);
    return pool;
  };
  const db = connect();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${database}`;
  return {
    target,
    url: url.toString(),
    db,
    connect,
    async drop() {
      await Promise.all(pools.map((pool) => pool.destroy()));
      const server = connectMysql(target, { pool: { min: 0, max: 1 }, withDatabase: false });
      await server.raw('DROP DATABASE IF EXISTS ??', [database]);
      await server.destroy();
    },
  };
}

/**
 * An event store on its own pool whose transactions stop just before COMMIT until `release()`:
 * `inCommit` resolves when the first one gets there.
 */
export function commitHoldingStore(database: TestDatabase) {
  let entered!: () => void;
  const inCommit = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const store = new MysqlEventStore(database.connect(), {
    beforeCommit: async () => {
      entered();
      await gate;
    },
  });
  return { store, inCommit, release };
}
