import { MysqlEventStore } from '../../infra/eventstore';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { eventStoreContract } from './contract';

describe('MySQL event store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('es');
  });
  afterAll(async () => {
    await database.drop();
  });

  describe('contract', () => {
    eventStoreContract(() => ({
      createStore: (options) => new MysqlEventStore(database.connect(), options),
    }));
  });

  describe('grouped appends', () => {
    it('When 300 single-event appends arrive at once, then they are written in a few transactions, not one each', async () => {
      const store = new MysqlEventStore(database.connect());
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          store.append(`grouped-${i}`, [{ type: 'Grouped', data: { i } }], {
            expectedRevision: 'no_stream',
          }),
        ),
      );
      const [rows] = (await database.db.raw(
        'SELECT COUNT(DISTINCT recorded_at) AS batches, COUNT(*) AS events FROM es_events WHERE type = ?',
        ['Grouped'],
      )) as [{ batches: string; events: string }[]];
      // One transaction stamps one recorded_at; the first append goes alone, the rest together.
      expect(Number(rows[0]!.events)).toBe(300);
      expect(Number(rows[0]!.batches)).toBeLessThanOrEqual(10);
      const positions = results.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1));
      positions.forEach((p, i) => i > 0 && expect(p).toBe(positions[i - 1]! + 1n));
      await store.close();
    });

    it('When positions are read back, then they have no holes, even after rejected appends', async () => {
      const store = new MysqlEventStore(database.connect());
      await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          store.append('holes', [{ type: 'Maybe', data: {} }], { expectedRevision: 'no_stream' }),
        ),
      );
      const [rows] = (await database.db.raw(
        'SELECT MIN(position) AS lo, MAX(position) AS hi, COUNT(*) AS n FROM es_events',
      )) as [{ lo: string; hi: string; n: string }[]];
      expect(BigInt(rows[0]!.hi) - BigInt(rows[0]!.lo) + 1n).toBe(BigInt(rows[0]!.n));
      expect(await store.headPosition()).toBe(BigInt(rows[0]!.hi));
      await store.close();
    });
  });
});
