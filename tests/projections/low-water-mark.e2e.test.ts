import { createLogger } from '../../infra/log';
import { readCheckpoint } from '../../infra/db';
import { checkpointName, startProjectors, type Projectors } from '../../projections';
import { inParallel } from '../support/http';
import { testKafka, testTopicPrefix } from '../support/kafka';
import { caughtUp } from '../support/read-models';
import { startTestSystem, type TestSystem } from '../support/system';

const logger = createLogger({ level: 'silent' });
const LEDGER = 'inventory_audit';

/**
 * Kafka keeps order per partition only: a projector that has applied a late event of one
 * partition may not have applied earlier events of another. The projections' status and the SKU
 * audit work from the low-water mark across partitions, so that a projector part-way through
 * reads as behind, and its lag is not taken for a discrepancy.
 */
describe('the low-water mark of a projection', () => {
  let t: TestSystem;
  const topics = testTopicPrefix('lwm');
  const kafka = testKafka('test-lwm');
  let projectors: Projectors | undefined;
  /** Closed: the ledger's projector stops after committing its next batch, until opened. */
  const gate: { closed: boolean; held: number; open?: () => void } = { closed: false, held: 0 };

  const start = () =>
    startProjectors({
      kafka,
      db: t.database.db,
      database: t.database.target.database,
      topicPrefix: topics.prefix,
      logger,
      afterCommit: async (projection) => {
        if (projection !== LEDGER || !gate.closed) return;
        gate.held += 1;
        await new Promise<void>((resolve) => (gate.open = resolve));
      },
    });

  const buy = (label: string, count: number) =>
    inParallel(
      20,
      Array.from({ length: count }, (_, i) => async () => {
        const res = await t.http.post(
          '/v1/orders',
          { items: [{ skuId: 'LW', quantity: 1 + (i % 2) }] },
          { token: t.customer(`${label}-${i}`) },
        );
        expect(res.status).toBe(201);
        return res.body.orderId as string;
      }),
    );

  /** Until the relay has published every event. */
  async function published() {
    const head = await t.store.headPosition();
    for (let i = 0; (await readCheckpoint(t.database.db, 'relay')) < head; i++) {
      if (i > 300) throw new Error('the relay did not publish every event');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const status = async () => {
    const res = await t.http.get('/v1/admin/projections', { token: t.admin });
    expect(res.status).toBe(200);
    return res.body.find((p: { name: string }) => p.name === LEDGER);
  };
  const audit = async () => {
    const res = await t.http.get('/v1/admin/skus/LW/audit', { token: t.admin });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestSystem(
      { ROLES: 'api,relay', KAFKA_TOPIC_PREFIX: topics.prefix },
      { label: 'lwm' },
    );
    await t.listSku({ skuId: 'LW', stock: 1_000 });
    projectors = await start();
    // Enough streams that every partition has applied something before the test holds one.
    await buy('early', 40);
    await caughtUp(t.database.db, topics.prefix);
  });
  afterAll(async () => {
    gate.closed = false;
    gate.open?.();
    await projectors?.stop();
    await t.stop();
    await topics.drop();
  });

  it('When the ledger has applied one partition ahead of the others, then its status reads the lowest point, and the audit compares only up to it and finds no discrepancy', async () => {
    await projectors!.stop();
    projectors = undefined;
    // Published while no projector runs: the next fetch brings every partition's messages.
    await buy('late', 60);
    await published();
    gate.closed = true;
    projectors = await start();
    for (let i = 0; gate.held === 0; i++) {
      if (i > 300) throw new Error('the ledger projector never committed a batch');
      await new Promise((r) => setTimeout(r, 50));
    }

    const head = await t.store.headPosition();
    const highest = await readCheckpoint(t.database.db, checkpointName(LEDGER));
    const ledger = await status();
    const mark = BigInt(ledger.position);
    // One partition's batch is in: the highest position applied says nothing of the others.
    expect(mark).toBeLessThan(highest);
    expect(mark).toBeLessThan(head);
    expect(ledger.lagMs).toBeGreaterThan(0);

    const during = await audit();
    expect(during).toMatchObject({ consistent: true, discrepancies: [] });
    expect(during.asOf).toEqual({
      eventStore: String(head),
      ledger: String(mark),
      ledgerLinesNotCompared: expect.any(Number),
    });
    expect(during.asOf.ledgerLinesNotCompared).toBeGreaterThan(0);
    // The ledger's own totals are short of the events by the lines not yet applied.
    expect(during.totals.reserved).toBeLessThan(during.eventStore.reserved);

    // A line the ledger lacks below the mark is a discrepancy, not lag.
    const early = await t.database
      .db('inventory_audit')
      .where({ sku_id: 'LW', reason: 'RESERVE' })
      .andWhere('position', '<=', String(mark))
      .orderBy('position')
      .first();
    expect(early).toBeDefined();
    await t.database.db('inventory_audit').where({ id: early.id }).delete();
    const planted = await audit();
    expect(planted.consistent).toBe(false);
    expect(planted.discrepancies).toEqual([
      {
        check: 'reserved (pending)',
        source: 'ledger',
        expected: expect.any(Number),
        actual: expect.any(Number),
      },
      {
        check: 'line contents',
        source: 'ledger',
        expected: expect.any(Number),
        actual: expect.any(Number),
      },
    ]);
    expect(planted.discrepancies[1].expected - planted.discrepancies[1].actual).toBe(1);
    const [missing] = planted.discrepancies;
    expect(missing.expected - missing.actual).toBe(-Number(early.delta));
    // And the line is named: its event's position, its order and its units.
    expect(planted.lineDifferences).toEqual([
      {
        position: String(early.position),
        reason: 'RESERVE',
        refId: early.ref_id,
        expected: Number(early.delta),
        actual: null,
      },
    ]);
    expect(planted.lineDifferencesTotal).toBe(1);
    await t.database.db('inventory_audit').insert(early);

    gate.closed = false;
    gate.open?.();
    await caughtUp(t.database.db, topics.prefix);
    const after = await status();
    expect(after).toMatchObject({ position: String(head), lagMs: 0, status: 'LIVE' });
    const quiet = await audit();
    expect(quiet).toMatchObject({ consistent: true, discrepancies: [] });
    expect(quiet).not.toHaveProperty('lineDifferences');
    expect(quiet.asOf).toEqual({
      eventStore: String(head),
      ledger: String(head),
      ledgerLinesNotCompared: 0,
    });
    expect(quiet.totals.reserved - quiet.totals.released - quiet.totals.sold).toBe(
      quiet.eventStore.reserved,
    );

    // A line after the store's last event cannot be lag: it records an event the store lacks.
    const stray = {
      sku_id: 'LW',
      delta: 5,
      reason: 'RESTOCK',
      ref_id: 'LW',
      position: String(head + 1_000n),
      at: new Date(),
    };
    await t.database.db('inventory_audit').insert(stray);
    const beyond = await audit();
    expect(beyond.consistent).toBe(false);
    expect(beyond.discrepancies).toContainEqual({
      check: 'line after the last event',
      source: 'ledger',
      expected: Number(head),
      actual: Number(head + 1_000n),
    });
    await t.database.db('inventory_audit').where({ position: stray.position }).delete();
    expect((await audit()).consistent).toBe(true);
  });

  it('When buyers rush a SKU while the audit is asked again and again, then every answer is consistent: the lag and the appends in flight are not discrepancies', async () => {
    await t.listSku({ skuId: 'RUSH', stock: 2000 });
    let rushing = true;
    const answers: { consistent: boolean; discrepancies: unknown[]; asOf: unknown }[] = [];
    // Eight operators at once, on the rushed SKU and a quiet one: each audit waits its turn.
    const auditing = Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        while (rushing) {
          const sku = i % 2 ? 'RUSH' : 'LW';
          const res = await t.http.get(`/v1/admin/skus/${sku}/audit?lines=0`, {
            token: t.admin,
          });
          expect(res.status).toBe(200);
          answers.push(res.body);
        }
      }),
    );
    let placed = 0;
    await inParallel(
      30,
      Array.from({ length: 2400 }, (_, i) => async () => {
        const res = await t.http.post(
          '/v1/orders',
          { items: [{ skuId: 'RUSH', quantity: 1 }] },
          { token: t.customer(`rush-${i}`) },
        );
        expect([201, 409]).toContain(res.status);
        if (res.status === 201) placed += 1;
      }),
    );
    rushing = false;
    await auditing;
    expect(placed).toBe(2000);
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => !a.consistent)).toEqual([]);
  });

  it("When a partition that had been quiet gets an event while the projector is stopped, then the mark stays where every event is applied and the lag is the new event's age", async () => {
    await caughtUp(t.database.db, topics.prefix);
    const before = BigInt((await status()).position);
    expect(before).toBe(await t.store.headPosition());
    // Old enough that an event applied long ago would show as a lag of seconds.
    await new Promise((r) => setTimeout(r, 3_000));
    await projectors!.stop();
    projectors = undefined;
    // Three orders: their streams fall in partitions other than the last event's, as a rule.
    await buy('quiet', 3);
    await published();
    const stopped = await status();
    expect(BigInt(stopped.position)).toBe(before);
    expect(stopped.lagMs).toBeGreaterThan(0);
    expect(stopped.lagMs).toBeLessThan(2_500);
    // Then more events than the relay keeps per partition: the mark read before still stands.
    await buy('many', 300);
    await published();
    const longer = await status();
    expect(BigInt(longer.position)).toBe(before);
    expect(longer.lagMs).toBeGreaterThanOrEqual(stopped.lagMs);
    expect(longer.lagMs).toBeLessThan(stopped.lagMs + 10_000);
    projectors = await start();
    await caughtUp(t.database.db, topics.prefix);
    expect(await status()).toMatchObject({ lagMs: 0, status: 'LIVE' });
  });
});
