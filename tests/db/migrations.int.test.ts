import {
  connectMysql,
  ensureDatabase,
  migrateDatabase,
  migrateLatest,
  migrationSource,
} from '../../infra/db';
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

  it('When read models projected before the payment-event counts are migrated, then the counts are taken from the event store', async () => {
    const older = { ...database.target, database: `${database.target.database}_old` };
    await ensureDatabase(older);
    const db = connectMysql(older, { pool: { min: 0, max: 2 } });
    try {
      for (let i = 0; i < 5; i += 1) await db.migrate.up({ migrationSource });
      const store = new MysqlEventStore(db);
      const orderId = '0190a1b2-c3d4-7e5f-8a9b-000000000001';
      const [p1, p2] = [
        '0190a1b2-c3d4-7e5f-8a9b-0000000000p1',
        '0190a1b2-c3d4-7e5f-8a9b-0000000000p2',
      ];
      const data = (extra: object) => ({ orderId, ...extra });
      await store.append(
        `order-${orderId}`,
        [
          { type: 'OrderPlaced', data: data({}) },
          { type: 'PaymentInitiated', data: data({ paymentId: p1 }) },
          { type: 'PaymentFailed', data: data({ paymentId: p1 }) },
          { type: 'PaymentInitiated', data: data({ paymentId: p2 }) },
          { type: 'PaymentCompleted', data: data({ paymentId: p2 }) },
        ],
        { expectedRevision: 'no_stream' },
      );
      // Rows as the projectors left them: orders at revision 3, p2's completion not yet applied.
      const at = new Date('2026-12-01T00:00:00Z');
      await db('orders').insert({
        order_id: orderId,
        user_id: 'u',
        status: 'PENDING',
        total: 100,
        currency: 'EUR',
        placed_at: at,
        expires_at: at,
        revision: 3,
        position: 4,
      });
      const payment = {
        order_id: orderId,
        amount: 100,
        currency: 'EUR',
        created_at: at,
        updated_at: at,
      };
      await db('payments').insert([
        { ...payment, payment_id: p1, status: 'FAILED', revision: 2 },
        { ...payment, payment_id: p2, status: 'PENDING', revision: 3 },
      ]);

      expect(await migrateLatest(db)).toEqual([
        '006-order-view-parts',
        '007-job-lock-holder',
        '008-partition-recent',
      ]);
      expect(await db('orders').first('payment_events')).toEqual({ payment_events: 3 });
      expect(await db('payments').orderBy('payment_id').select('payment_id', 'events')).toEqual([
        { payment_id: p1, events: 2 },
        { payment_id: p2, events: 1 },
      ]);
    } finally {
      await db.raw('DROP DATABASE IF EXISTS ??', [older.database]);
      await db.destroy();
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
