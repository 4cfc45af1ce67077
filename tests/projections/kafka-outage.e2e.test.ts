import { startPrivateBroker } from '../support/kafka-broker';
import { caughtUp, readModels } from '../support/read-models';
import { startTestSystem, type TestSystem } from '../support/system';

/**
 * Kafka stopped for 30 s in the middle of a sale, on a broker of this test's own: the write path
 * does not need Kafka, and the read side catches up with nothing lost or doubled.
 */
describe('when Kafka is away', () => {
  let broker: Awaited<ReturnType<typeof startPrivateBroker>>;
  let t: TestSystem;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    t = await startTestSystem(
      { ROLES: 'api,relay,projector', KAFKA_BROKERS: broker.broker, KAFKA_TOPIC_PREFIX: 'outage.' },
      { label: 'outage' },
    );
    await t.listSku({ skuId: 'O1', stock: 10_000 });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await broker?.destroy();
  });

  const buy = async (user: string) =>
    (
      await t.http.post(
        '/v1/orders',
        { items: [{ skuId: 'O1', quantity: 1 }] },
        { token: t.customer(user) },
      )
    ).status;

  it('When Kafka is stopped for 30 s during purchases, then purchases keep succeeding and the read models converge with nothing lost or doubled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await buy(`before-${i}`));
    await caughtUp(t.database.db, 'outage.', { ms: 60_000, brokers: [broker.broker] });

    await broker.stop();
    const stoppedAt = Date.now();
    let i = 0;
    while (Date.now() - stoppedAt < 30_000) {
      statuses.push(await buy(`during-${i++}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    await broker.start();
    for (let j = 0; j < 20; j++) statuses.push(await buy(`after-${j}`));

    expect(statuses.every((s) => s === 201)).toBe(true);
    const placed = await t.events((e) => e.type === 'OrderPlaced');
    expect(placed).toHaveLength(statuses.length);

    await caughtUp(t.database.db, 'outage.', { ms: 90_000, brokers: [broker.broker] });
    const live = await readModels(t.database.db);
    expect(live.orders).toHaveLength(placed.length);
    expect(new Set(live.orders.map((o) => o.order_id))).toEqual(
      new Set(placed.map((e) => (e.data as { orderId: string }).orderId)),
    );
    const reserves = live.audit.filter((r) => r.reason === 'RESERVE');
    expect(reserves).toHaveLength(placed.length);

    const rebuilt = await t.http.post('/v1/admin/projections/rebuild', {}, { token: t.admin });
    for (;;) {
      const job = await t.http.get(`/v1/admin/projections/jobs/${rebuilt.body.jobId}`, {
        token: t.admin,
      });
      if (job.body.status !== 'RUNNING') {
        expect(job.body.status).toBe('SUCCEEDED');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await readModels(t.database.db)).toEqual(live);
  }, 240_000);
});
