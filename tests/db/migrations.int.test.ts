import { migrateDatabase, migrateLatest } from '../../infra/db';
import { MysqlEventStore } from '../../infra/eventstore';
import { createTestDatabase, type TestDatabase } from '../support/mysql';

describe('schema migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('mig');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('When the schema is migrated, then the event store, read models and process tables exist', async () => {
    const [rows] = (await database.db.raw(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?',
      [database.target.database],
    )) as [{ name: string }[]];
    expect(rows.map((r) => r.name).sort()).toEqual(
      expect.arrayContaining([
        'es_events',
        'es_global',
        'es_streams',
        'orders',
        'order_items',
        'payments',
        'inventory_audit',
        'checkpoints',
        'saga_timers',
        'projection_jobs',
      ]),
    );
  });

  it('When migrations run again, alone or from several processes at once, then nothing changes and no data is lost', async () => {
    const store = new MysqlEventStore(database.connect());
    await store.append('kept', [{ type: 'Kept', data: { n: 1 } }], {
      expectedRevision: 'no_stream',
    });

    const again = await Promise.all([
      migrateDatabase(database.target),
      migrateDatabase(database.target),
      migrateLatest(database.connect()),
    ]);
    expect(again).toEqual([[], [], []]);
    expect((await store.readStream('kept')).map((e) => e.data)).toEqual([{ n: 1 }]);
    await store.close();
  });

  it('When four processes start at once on a new database, then one migrates it and the others wait for it instead of failing', async () => {
    const fresh = { ...database.target, database: `${database.target.database}_new` };
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(fresh)));
      const applied = results.filter((r) => r.length > 0);
      expect(applied).toHaveLength(1);
      expect(applied[0]).toContain('001-event-store');
      expect(results.filter((r) => r.length === 0)).toHaveLength(3);
    } finally {
      await database.db.raw('DROP DATABASE IF EXISTS ??', [fresh.database]);
    }
  });

  it('When someone asks to roll a migration back, then it refuses rather than drop data', async () => {
    await expect(
      database.db.migrate.down({
        migrationSource: (await import('../../infra/db')).migrationSource,
      }),
    ).rejects.toThrow(/forward-only/);
    const [rows] = (await database.db.raw('SELECT COUNT(*) AS n FROM es_events')) as [
      { n: string }[],
    ];
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
