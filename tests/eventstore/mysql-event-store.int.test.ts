import { ConcurrencyError, UnavailableError } from '../../domain/errors';
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
    /** `count` single-event appends, each creating stream `<type>-<i>`, made in one turn. */
    const appendNewStreams = (
      store: MysqlEventStore,
      type: string,
      count: number,
      data: (i: number) => Record<string, unknown> = (i) => ({ i }),
    ) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          store.append(`${type}-${i}`, [{ type, data: data(i) }], {
            expectedRevision: 'no_stream',
          }),
        ),
      );

    it('When 300 single-event appends arrive at once, then they are written in a few transactions, not one each', async () => {
      const store = new MysqlEventStore(database.connect());
      const results = await appendNewStreams(store, 'Grouped', 300);
      const [rows] = (await database.db.raw(
        'SELECT COUNT(DISTINCT recorded_at) AS batches, COUNT(*) AS events FROM es_events WHERE type = ?',
        ['Grouped'],
      )) as [{ batches: string; events: string }[]];
      // One transaction stamps one recorded_at.
      expect(Number(rows[0]!.events)).toBe(300);
      expect(Number(rows[0]!.batches)).toBeLessThanOrEqual(10);
      const positions = results.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1));
      positions.forEach((p, i) => i > 0 && expect(p).toBe(positions[i - 1]! + 1n));
      await store.close();
    });

    it('When appends are made in one turn of the event loop, then the first does not go alone: they share one transaction', async () => {
      let transactions = 0;
      const store = new MysqlEventStore(database.connect(), {
        beforeCommit: async () => {
          transactions += 1;
        },
      });
      const results = await appendNewStreams(store, 'OneTurn', 50);
      expect(transactions).toBe(1);
      const positions = results.map((r) => r.position);
      positions.forEach((p, i) => i > 0 && expect(p).toBe(positions[i - 1]! + 1n));
      await store.close();
    });

    it('When an append is made and the store closed in the same turn, then close waits for it', async () => {
      const store = new MysqlEventStore(database.connect());
      const appended = store.append('closed-at-once', [{ type: 'ClosedAtOnce', data: {} }], {
        expectedRevision: 'no_stream',
      });
      await store.close();
      await expect(appended).resolves.toMatchObject({ nextExpectedRevision: 0n });
      const [rows] = (await database.db.raw('SELECT COUNT(*) AS n FROM es_events WHERE type = ?', [
        'ClosedAtOnce',
      ])) as [{ n: string }[]];
      expect(Number(rows[0]!.n)).toBe(1);
    });

    it('When the writer connection is killed under a stream of appends, then only the batch on it fails, as unavailable, and those queued behind it land on a new one', async () => {
      let queuedBehind: Promise<unknown>[] = [];
      const store: MysqlEventStore = new MysqlEventStore(database.connect(), {
        beforeCommit: async () => {
          if (queuedBehind.length > 0) return;
          // Appends queued while the first batch is in flight: the writer takes them next.
          queuedBehind = [append('killed-2'), append('killed-3')];
          const [rows] = (await database.db.raw(
            `SELECT p.id FROM information_schema.processlist p
               JOIN information_schema.innodb_trx t ON t.trx_mysql_thread_id = p.id
              WHERE p.db = ?`,
            [database.target.database],
          )) as [{ id: number }[]];
          expect(rows).toHaveLength(1);
          await database.db.raw('KILL CONNECTION ?', [rows[0]!.id]);
        },
      });
      const append = (id: string) =>
        store.append(id, [{ type: 'Killed', data: { id } }], { expectedRevision: 'no_stream' });

      const first = await Promise.allSettled([append('killed-0'), append('killed-1')]);
      expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of first) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
      }
      const behind = (await Promise.all(queuedBehind)) as { nextExpectedRevision: bigint }[];
      expect(behind.map((r) => r.nextExpectedRevision)).toEqual([0n, 0n]);
      const [rows] = (await database.db.raw(
        'SELECT stream_id FROM es_events WHERE type = ? ORDER BY stream_id',
        ['Killed'],
      )) as [{ stream_id: string }[]];
      expect(rows.map((r) => r.stream_id)).toEqual(['killed-2', 'killed-3']);
      await store.close();
    });

    it('When data and metadata are full of quotes, backslashes and SQL, then every event reads back exactly', async () => {
      const store = new MysqlEventStore(database.connect());
      const nasty = [
        "'",
        "\\'",
        "''",
        '\\',
        'ends with a backslash \\',
        "'; DROP TABLE es_events; --",
        '\u0000 \u001a \n \r',
        '\0\x1a\n\r\t\b',
        '"\'"\'"',
        "O'Brien's 限时抢购 🛒 \\' \\\\'",
        String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)),
      ];
      // Appended in one turn: they travel in one statement.
      await Promise.all(
        nasty.map((text, i) =>
          store.append(
            `nasty-${i}`,
            [{ type: 'Nasty', data: { text }, metadata: { note: text } }],
            {
              expectedRevision: 'no_stream',
            },
          ),
        ),
      );
      for (const [i, text] of nasty.entries()) {
        const [event] = await store.readStream(`nasty-${i}`);
        expect(event!.data).toEqual({ text });
        expect(event!.metadata).toEqual({ note: text });
      }
      await store.close();
    });

    it('When one batch holds more than one statement can carry, then its inserts are split and it commits once', async () => {
      let transactions = 0;
      const store = new MysqlEventStore(database.connect(), {
        // One batch of about 24 MB of SQL, over the server's 16 MiB packet limit.
        maxBatchBytes: 64 * 1024 * 1024,
        beforeCommit: async () => {
          transactions += 1;
        },
      });
      const blob = "x'\\".repeat(300 * 1024);
      await appendNewStreams(store, 'Split', 12, (i) => ({ i, blob }));
      const [rows] = (await database.db.raw(
        'SELECT COUNT(*) AS n, MIN(LENGTH(data)) AS shortest FROM es_events WHERE type = ?',
        ['Split'],
      )) as [{ n: string; shortest: string }[]];
      expect(Number(rows[0]!.n)).toBe(12);
      expect(Number(rows[0]!.shortest)).toBe(JSON.stringify({ i: 0, blob }).length);
      expect(transactions).toBe(1);
      await store.close();
    });

    it('When a burst of new streams from two clients meets streams that exist, then only those conflict and every other append lands once', async () => {
      const [one, two] = [database.connect(), database.connect()].map(
        (db) => new MysqlEventStore(db),
      );
      const taken = Array.from({ length: 20 }, (_, i) => `burst-taken-${i}`);
      for (const id of taken) {
        await one!.append(id, [{ type: 'First', data: {} }], { expectedRevision: 'no_stream' });
      }
      const fresh = Array.from({ length: 400 }, (_, i) => `burst-new-${i}`);
      // Interleaved, so most batches that create streams hold one that exists.
      const attempts = fresh.map((id, i) => ({
        id: i % 20 === 0 ? taken[i / 20]! : id,
        store: i % 2 === 0 ? one! : two!,
      }));
      const results = await Promise.allSettled(
        attempts.map(({ id, store }) =>
          store.append(id, [{ type: 'Burst', data: { id } }], { expectedRevision: 'no_stream' }),
        ),
      );

      results.forEach((result, i) => {
        if (attempts[i]!.id.startsWith('burst-taken-')) {
          expect(result.status).toBe('rejected');
          expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
        } else {
          expect(result.status).toBe('fulfilled');
        }
      });
      const [rows] = (await database.db.raw(
        `SELECT stream_id, COUNT(*) AS n, MIN(revision) AS lo, MAX(revision) AS hi
           FROM es_events WHERE stream_id LIKE 'burst-%' GROUP BY stream_id`,
      )) as [{ stream_id: string; n: string; lo: string; hi: string }[]];
      expect(rows).toHaveLength(20 + 380);
      for (const row of rows) {
        expect([row.n, row.lo, row.hi].map(Number)).toEqual([1, 0, 0]);
      }
      const taken0 = await one!.readStream(taken[0]!);
      expect(taken0.map((e) => e.type)).toEqual(['First']);
      const revisions = (await database
        .db('es_streams')
        .where('stream_id', 'like', 'burst-%')
        .select('revision')) as { revision: string }[];
      expect(revisions.every((r) => Number(r.revision) === 0)).toBe(true);
      await Promise.all([one!.close(), two!.close()]);
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
