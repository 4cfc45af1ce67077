import { v7 as uuidv7 } from 'uuid';
import type { EventStore, RecordedEvent } from '../../commands/ports';
import { MysqlEventStore } from '../../infra/eventstore';
import { ensureTopics, toEventMessage } from '../../infra/kafka';
import { holdNamedLock } from '../../infra/db/named-lock';
import { createLogger } from '../../infra/log';
import {
  applyEvents,
  createRebuilder,
  lockName,
  PROJECTIONS,
  RebuildRunningError,
  startProjectors,
  type Projectors,
} from '../../projections';
import { testKafka, testTopicPrefix } from '../support/kafka';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { caughtUp, readModels } from '../support/read-models';
import { until } from '../support/wait';

const logger = createLogger({ level: 'silent' });

/** An order's story, appended to the real store so positions and revisions are real. */
async function story(store: MysqlEventStore, kind: 'paid' | 'cancelled' | 'expired' | 'pending') {
  const orderId = uuidv7();
  const paymentId = uuidv7();
  const t = '2026-11-23T10:00:00.000Z';
  const events = [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        userId: `u-${orderId.slice(-6)}`,
        items: [
          { skuId: 'K1', quantity: 2, unitPrice: 500 },
          { skuId: 'K2', quantity: 1, unitPrice: 700 },
        ],
        total: 1700,
        currency: 'EUR',
        placedAt: t,
        expiresAt: '2026-11-23T10:15:00.000Z',
      },
    },
    {
      type: 'PaymentInitiated',
      data: { orderId, paymentId, amount: 1700, currency: 'EUR', initiatedAt: t },
    },
  ];
  if (kind === 'paid') {
    events.push({
      type: 'PaymentFailed',
      data: { orderId, paymentId, transactionId: `f-${orderId}`, reason: 'declined', failedAt: t },
    } as never);
    events.push({
      type: 'PaymentCompleted',
      data: {
        orderId,
        paymentId,
        transactionId: `s-${orderId}`,
        amount: 1700,
        currency: 'EUR',
        completedAt: t,
      },
    } as never);
  }
  if (kind === 'cancelled')
    events.push({ type: 'OrderCancelled', data: { orderId, cancelledAt: t } } as never);
  if (kind === 'expired')
    events.push({ type: 'OrderExpired', data: { orderId, expiredAt: t } } as never);
  await store.append(`order-${orderId}`, events, { expectedRevision: 'no_stream' });
}

describe('the projectors', () => {
  let database: TestDatabase;
  let store: MysqlEventStore;
  const topics = testTopicPrefix('proj');
  const kafka = testKafka('test-proj');
  const producer = kafka.producer();
  let projectors: Projectors | undefined;
  let failOnce = true;
  let crashes = 0;

  async function publishAll(after = 0n) {
    const events = await store.readAll({ after, maxCount: 100_000 });
    await producer.send({ topic: `${topics.prefix}events`, messages: events.map(toEventMessage) });
    return events;
  }

  beforeAll(async () => {
    database = await createTestDatabase('proj');
    store = new MysqlEventStore(database.db);
    await ensureTopics(kafka, topics.prefix);
    await producer.connect();
    await store.append(
      'sku-K1',
      [
        {
          type: 'SkuListed',
          data: {
            skuId: 'K1',
            name: 'K1',
            price: 500,
            currency: 'EUR',
            perUserLimit: null,
            listedAt: 't',
          },
        },
        {
          type: 'SkuRestocked',
          data: { skuId: 'K1', quantity: 100, restockedAt: '2026-11-23T09:00:00.000Z' },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    for (let i = 0; i < 40; i++) {
      await story(store, (['paid', 'cancelled', 'expired', 'pending'] as const)[i % 4]!);
    }
  });
  afterAll(async () => {
    await projectors?.stop();
    await producer.disconnect();
    await store.close();
    await database.drop();
    await topics.drop();
  });

  it('When a projector dies between its database commit and its offset commit, then the batch comes again and the rows equal a replay', async () => {
    projectors = await startProjectors({
      kafka,
      db: database.db,
      database: database.target.database,
      topicPrefix: topics.prefix,
      logger,
      afterCommit: async () => {
        if (failOnce) {
          failOnce = false;
          crashes += 1;
          throw new Error('killed between the commit and the offset commit');
        }
      },
    });
    await publishAll();
    await caughtUp(database.db, topics.prefix, { relay: false });
    expect(crashes).toBe(1);
    const live = await readModels(database.db);
    expect(live.orders).toHaveLength(40);
    expect(live.items).toHaveLength(80);
    expect(live.payments).toHaveLength(40);
    const ledger = (reason: string) =>
      live.audit.filter((r) => r.reason === reason).reduce((sum, r) => sum + Number(r.delta), 0);
    expect([ledger('RESTOCK'), ledger('RESERVE'), ledger('RELEASE'), ledger('SELL')]).toEqual([
      100, -120, 60, -30,
    ]);

    await createRebuilder({
      eventStore: store,
      db: database.db,
      database: database.target.database,
      logger,
    }).run(undefined, () => undefined);
    expect(await readModels(database.db)).toEqual(live);
  });

  it('When the same batch is delivered twice, then nothing changes', async () => {
    const before = await readModels(database.db);
    const events = await store.readAll({ after: 0n, maxCount: 100_000 });
    for (const projection of PROJECTIONS) await applyEvents(database.db, projection, events);
    await publishAll();
    await caughtUp(database.db, topics.prefix, { relay: false });
    expect(await readModels(database.db)).toEqual(before);
  });

  it('When a message cannot be projected, then it lands in the dead-letter topic and later events are still projected', async () => {
    const dlq = kafka.consumer({ groupId: `${topics.prefix}dlq-reader`, maxWaitTimeInMs: 50 });
    const dead: { value: string; headers: Record<string, string> }[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: `${topics.prefix}events.dlq`, fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        dead.push({
          value: String(message.value),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
      },
    });
    const head = await store.headPosition();
    const broken: RecordedEvent = {
      id: uuidv7(),
      streamId: `order-${uuidv7()}`,
      type: 'OrderPlaced',
      revision: 0n,
      position: head + 1000n,
      data: { orderId: 'x', items: 'not lines' },
      metadata: {},
      recordedAt: new Date(),
    };
    await producer.send({
      topic: `${topics.prefix}events`,
      messages: [{ key: 'junk', value: '{not json' }, toEventMessage(broken)],
    });
    await story(store, 'paid');
    await publishAll(head);
    await caughtUp(database.db, topics.prefix, { relay: false });
    try {
      const deadline = Date.now() + 20_000;
      while (dead.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await dlq.disconnect();
    }
    expect(dead.some((d) => d.value === '{not json')).toBe(true);
    expect(
      dead.some((d) => d.value.includes(broken.id) && /items/.test(d.headers.error ?? '')),
    ).toBe(true);
    expect(await database.db('orders').count({ n: '*' })).toEqual([{ n: '41' }]);
    const rows = await database.db('dead_letters').select('projection', 'event_id');
    expect(
      rows
        .filter((r) => r.event_id === broken.id)
        .map((r) => r.projection)
        .sort(),
    ).toEqual(['inventory_audit', 'order_items', 'orders']);
  });

  it('When a rebuild died half-way, then the next one starts over and finishes correctly', async () => {
    const live = await readModels(database.db);
    // What a rebuild killed mid-way leaves: half-filled fresh tables and a job that says RUNNING.
    await database.db.raw('CREATE TABLE orders__next LIKE orders');
    await database.db.raw('INSERT INTO orders__next SELECT * FROM orders LIMIT 3');
    await database.db.raw("UPDATE orders__next SET status = 'GARBAGE'");
    const stale = new Date(Date.now() - 120_000);
    await database.db('projection_jobs').insert({
      job_id: '00000000-0000-4000-8000-00000000dead',
      projections: '["orders"]',
      status: 'RUNNING',
      processed: 10,
      total: 100,
      created_at: stale,
      updated_at: stale,
    });
    const rebuilder = createRebuilder({
      eventStore: store,
      db: database.db,
      database: database.target.database,
      logger,
    });
    const { jobId } = await rebuilder.start();
    await rebuilder.settle();
    expect(await rebuilder.job(jobId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await rebuilder.job('00000000-0000-4000-8000-00000000dead')).toMatchObject({
      status: 'FAILED',
    });
    expect(await readModels(database.db)).toEqual(live);
    const [tables] = (await database.db.raw("SHOW TABLES LIKE '%\\_\\_%'")) as [unknown[]];
    expect(tables).toEqual([]);
  });

  /** A rebuilder is a process of its own: it knows only what the database tells it. */
  const rebuilder = () =>
    createRebuilder({
      eventStore: store,
      db: database.db,
      database: database.target.database,
      logger,
    });
  const rebuildLock = () => holdNamedLock(database.db, `${database.target.database}.rebuild`);
  const insertJob = (jobId: string, status: string, updatedAt = new Date()) =>
    database.db('projection_jobs').insert({
      job_id: jobId,
      projections: '["orders"]',
      status,
      processed: 1,
      total: 100,
      created_at: updatedAt,
      updated_at: updatedAt,
    });

  /** A job of every projection that another process ran to its end just now. */
  const insertFinished = (jobId: string) => {
    const now = new Date();
    return database.db('projection_jobs').insert({
      job_id: jobId,
      projections: JSON.stringify(PROJECTIONS.map((p) => p.name)),
      status: 'SUCCEEDED',
      processed: 1,
      total: 1,
      created_at: now,
      updated_at: now,
    });
  };

  it('When two processes rebuild the same read models at once, then one runs and the other is refused, changing nothing', async () => {
    const live = await readModels(database.db);
    const results = await Promise.allSettled([
      rebuilder().run(undefined, () => undefined),
      rebuilder().run(undefined, () => undefined),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RebuildRunningError);
    expect(await readModels(database.db)).toEqual(live);
    const [tables] = (await database.db.raw("SHOW TABLES LIKE '%\\_\\_%'")) as [unknown[]];
    expect(tables).toEqual([]);

    // The lock went with the run: the next rebuild runs.
    await rebuilder().run(undefined, () => undefined);
    expect(await readModels(database.db)).toEqual(live);
  });

  it("When the admin API is asked for a rebuild while another process's job runs, then it answers that job", async () => {
    const jobId = '00000000-0000-4000-8000-00000000a11e';
    const elsewhere = await rebuildLock();
    expect(elsewhere).not.toBeNull();
    await insertJob(jobId, 'RUNNING');
    try {
      expect(await rebuilder().start(['orders'])).toEqual({ jobId });
      expect(await rebuilder().job(jobId)).toMatchObject({ status: 'RUNNING' });
    } finally {
      await elsewhere!.release();
      await database.db('projection_jobs').where({ job_id: jobId }).delete();
    }
  });

  it('When two processes are asked for a rebuild at the same moment, then both answer one job, which succeeds', async () => {
    const live = await readModels(database.db);
    const before = await database.db('projection_jobs').count({ n: '*' }).first();
    const [first, second] = [rebuilder(), rebuilder()];
    const answers = await Promise.all([first.start(), second.start()]);
    expect(answers[1]).toEqual(answers[0]);
    await Promise.all([first.settle(), second.settle()]);
    expect(await first.job(answers[0].jobId)).toMatchObject({ status: 'SUCCEEDED' });
    const after = await database.db('projection_jobs').count({ n: '*' }).first();
    expect(Number(after!.n) - Number(before!.n)).toBe(1);
    expect(await readModels(database.db)).toEqual(live);
  });

  it('When the job of another process, started after the request, is already done when this one looks, then the request answers that job', async () => {
    // The lock is held and no job is running: as when another process ran a small rebuild to
    // its end between this one's failed claim and its look at the jobs.
    const held = await rebuildLock();
    const finished = '00000000-0000-4000-8000-0000000d0e01';
    try {
      const asking = rebuilder().start();
      await new Promise((r) => setTimeout(r, 200));
      await insertFinished(finished);
      expect((await asking).jobId).toBe(finished);
    } finally {
      await held!.release();
      await database.db('projection_jobs').where({ job_id: finished }).delete();
    }
  });

  it('When the job of another process runs and ends while the request waits to try the lock again, then the request answers that job instead of running its own', async () => {
    // The other process holds the lock as the request fails its claim, then its small job ends
    // and the lock is free when the request tries again.
    const held = await rebuildLock();
    const finished = '00000000-0000-4000-8000-0000000d0e02';
    let released = false;
    try {
      const asking = rebuilder().start();
      await new Promise((r) => setTimeout(r, 10));
      await insertFinished(finished);
      await held!.release();
      released = true;
      expect((await asking).jobId).toBe(finished);
      expect(await database.db('projection_jobs').where({ status: 'RUNNING' })).toEqual([]);
    } finally {
      if (!released) await held!.release();
      await database.db('projection_jobs').where({ job_id: finished }).delete();
    }
  });

  it('When the process of a running job died, then the job reads FAILED and the next request runs a new one', async () => {
    const dead = '00000000-0000-4000-8000-0000000dead1';
    const quiet = '00000000-0000-4000-8000-0000000dead2';
    // Nobody holds the lock, yet the rows say RUNNING: their processes are gone.
    await insertJob(dead, 'RUNNING', new Date(Date.now() - 30_000));
    await insertJob(quiet, 'RUNNING');
    try {
      expect(await rebuilder().job(dead)).toMatchObject({
        status: 'FAILED',
        error: 'the process running it stopped',
      });
      // Heard of a moment ago: not judged yet on a read.
      expect(await rebuilder().job(quiet)).toMatchObject({ status: 'RUNNING' });
      const next = rebuilder();
      const { jobId } = await next.start();
      expect(jobId).not.toBe(quiet);
      await next.settle();
      expect(await next.job(jobId)).toMatchObject({ status: 'SUCCEEDED' });
      expect(await next.job(quiet)).toMatchObject({ status: 'FAILED' });
    } finally {
      await database.db('projection_jobs').whereIn('job_id', [dead, quiet]).delete();
    }
  });

  it('When a holder of the rebuild lock wrote no job (an older version), then the admin API refuses with REBUILD_RUNNING, changing nothing', async () => {
    const live = await readModels(database.db);
    const jobs = await database.db('projection_jobs').count({ n: '*' }).first();
    const older = await rebuildLock();
    try {
      const refused = await rebuilder()
        .start()
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RebuildRunningError);
      expect(refused).toMatchObject({ code: 'REBUILD_RUNNING' });
      expect((refused as Error).message).toMatch(/another rebuild .* is running/);
    } finally {
      await older!.release();
    }
    expect(await database.db('projection_jobs').count({ n: '*' }).first()).toEqual(jobs);
    expect(await readModels(database.db)).toEqual(live);
  });

  it('When the replay command line rebuilds, then its job shows in every process, a request it covers answers it, and others are refused', async () => {
    // Holding a projection's lock keeps the replay at its swap until the checks are done.
    const swap = await holdNamedLock(database.db, lockName(database.target.database, 'orders'));
    const commandLine = rebuilder().run(undefined, () => undefined);
    const api = rebuilder();
    try {
      await until(async () => (await api.rebuilding()).length === PROJECTIONS.length, 10_000);
      const { jobId } = await api.start(['orders']);
      expect(await api.job(jobId)).toMatchObject({ status: 'RUNNING' });
      // Another replay is refused, naming the job.
      await expect(rebuilder().run(['payments'], () => undefined)).rejects.toMatchObject({
        code: 'REBUILD_RUNNING',
        details: { jobId },
      });
      await swap!.release();
      await commandLine;
      expect(await api.job(jobId)).toMatchObject({ status: 'SUCCEEDED' });
      expect(await api.rebuilding()).toEqual([]);
    } finally {
      await swap!.release();
      await commandLine.catch(() => undefined);
    }
  });

  it('When a job whose process died is still RUNNING while another holds the lock, then it is not answered and reads FAILED at once', async () => {
    const dead = '00000000-0000-4000-8000-0000000dead3';
    // A job that names a connection which no longer holds the lock (its process was killed).
    await database.db('projection_jobs').insert({
      job_id: dead,
      projections: '["orders"]',
      status: 'RUNNING',
      processed: 1,
      total: 100,
      lock_connection: 999_999_999,
      created_at: new Date(),
      updated_at: new Date(),
    });
    const holder = await rebuildLock();
    try {
      await expect(rebuilder().start(['orders'])).rejects.toBeInstanceOf(RebuildRunningError);
      expect(await rebuilder().job(dead)).toMatchObject({
        status: 'FAILED',
        error: 'the process running it stopped',
      });
      expect(await rebuilder().rebuilding()).toEqual([]);
    } finally {
      await holder!.release();
      await database.db('projection_jobs').where({ job_id: dead }).delete();
    }
  });

  it('When one process is asked at the same moment for a rebuild of some projections and of all, then one runs and the other is refused', async () => {
    const one = rebuilder();
    const [some, all] = await Promise.allSettled([one.start(['payments']), one.start()]);
    await one.settle();
    expect(some.status).toBe('fulfilled');
    expect(all).toMatchObject({ status: 'rejected', reason: { code: 'REBUILD_RUNNING' } });
    const { jobId } = (some as PromiseFulfilledResult<{ jobId: string }>).value;
    expect(await one.job(jobId)).toMatchObject({ status: 'SUCCEEDED', projections: ['payments'] });
  });

  it('When a running job does not cover the projections asked for, then the request is refused naming that job; one it covers answers it', async () => {
    const jobId = '00000000-0000-4000-8000-0000000000a1';
    const elsewhere = await rebuildLock();
    await database.db('projection_jobs').insert({
      job_id: jobId,
      projections: '["payments"]',
      status: 'RUNNING',
      processed: 0,
      total: 10,
      created_at: new Date(),
      updated_at: new Date(),
    });
    try {
      const other = rebuilder();
      expect(await other.start(['payments'])).toEqual({ jobId });
      await expect(other.start()).rejects.toMatchObject({
        code: 'REBUILD_RUNNING',
        details: { jobId, projections: ['payments'] },
      });
      await expect(other.start(['orders'])).rejects.toBeInstanceOf(RebuildRunningError);
      // Every process shows the projections of a rebuild run by another one.
      expect(await other.rebuilding()).toEqual(['payments']);
    } finally {
      await elsewhere!.release();
      await database.db('projection_jobs').where({ job_id: jobId }).delete();
    }
  });

  it('When this process runs a rebuild of some projections, then a request for others is refused until it ends', async () => {
    const one = rebuilder();
    const { jobId } = await one.start(['payments']);
    try {
      expect(await one.start(['payments'])).toEqual({ jobId });
      await expect(one.start(['orders', 'payments'])).rejects.toMatchObject({
        code: 'REBUILD_RUNNING',
        details: { jobId },
      });
    } finally {
      await one.settle();
    }
    expect(await one.job(jobId)).toMatchObject({ status: 'SUCCEEDED', projections: ['payments'] });
    expect(await one.rebuilding()).toEqual([]);
  });

  it('When the store’s positions are not counts (EventStoreDB’s are byte offsets), then a rebuild counts events, and its total is the events, not the head’s position', async () => {
    // The same store, its positions spread out as EventStoreDB's commit positions are.
    const SPREAD = 977n;
    const spread: EventStore = Object.assign(Object.create(store) as EventStore, {
      headPosition: async () => (await store.headPosition()) * SPREAD,
      readAll: async (options: { after: bigint; maxCount: number }) =>
        (await store.readAll({ ...options, after: options.after / SPREAD })).map((e) => ({
          ...e,
          position: e.position * SPREAD,
        })),
    });
    const { n } = (await database.db('es_events').count({ n: '*' }).first()) as { n: number };
    const seen: { processed: number; total: number }[] = [];
    const one = createRebuilder({
      eventStore: spread,
      db: database.db,
      database: database.target.database,
      logger,
    });
    await one.run(['payments'], (p) => seen.push({ ...p }));
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p.total).toBeLessThanOrEqual(Number(n));
    expect(seen.at(-1)).toEqual({ processed: Number(n), total: Number(n) });
    const { job_id: jobId } = await database
      .db('projection_jobs')
      .orderBy('created_at', 'desc')
      .first();
    expect(await one.job(jobId)).toMatchObject({
      status: 'SUCCEEDED',
      processed: Number(n),
      total: Number(n),
    });
  });
});
