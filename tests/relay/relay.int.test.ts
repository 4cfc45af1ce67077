import type { Consumer } from 'kafkajs';
import type { RecordedEvent } from '../../commands/ports';
import { MysqlEventStore } from '../../infra/eventstore';
import { fromEventMessage } from '../../infra/kafka';
import { createLogger } from '../../infra/log';
import { startRelay, type Relay } from '../../infra/relay';
import { testKafka, testTopicPrefix } from '../support/kafka';
import { commitHoldingStore, createTestDatabase, type TestDatabase } from '../support/mysql';

const logger = createLogger({ level: 'silent' });

describe('the relay', () => {
  let database: TestDatabase;
  let store: MysqlEventStore;
  const topics = testTopicPrefix('relay');
  const kafka = testKafka('test-relay');
  const received: {
    event: RecordedEvent;
    headers: Record<string, string>;
    partition: number;
  }[] = [];
  let consumer: Consumer;
  let relay: Relay | undefined;

  const start = (standbyMs?: number) =>
    startRelay({
      eventStore: store,
      kafka,
      db: database.db,
      database: database.target.database,
      topicPrefix: topics.prefix,
      logger,
      standbyMs,
    });

  async function appendMany(count: number, streams: number, label: string) {
    const tasks = Array.from({ length: streams }, async (_, s) => {
      const streamId = `${label}-${s}`;
      let revision: bigint | 'no_stream' = 'no_stream';
      for (let i = s; i < count; i += streams) {
        const r = await store.append(streamId, [{ type: 'Counted', data: { i } }], {
          expectedRevision: revision,
        });
        revision = r.nextExpectedRevision;
      }
    });
    await Promise.all(tasks);
  }

  async function untilReceived(n: number, ms = 30_000) {
    const deadline = Date.now() + ms;
    while (received.length < n) {
      if (Date.now() > deadline) throw new Error(`received ${received.length} of ${n}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase('relay');
    store = new MysqlEventStore(database.db);
    relay = start();
    // The relay makes the topic on its first publish.
    await store.append('boot', [{ type: 'Boot', data: {} }], { expectedRevision: 'no_stream' });
    consumer = kafka.consumer({ groupId: `${topics.prefix}reader`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    for (let i = 0; ; i++) {
      try {
        await consumer.subscribe({ topic: `${topics.prefix}events`, fromBeginning: true });
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        received.push({ event: fromEventMessage(message.value), headers, partition });
      },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await consumer.disconnect();
    await store.close();
    await database.drop();
    await topics.drop();
  });

  function checkDelivery() {
    const positions = received.map((r) => r.event.position);
    expect(new Set(positions.map(String)).size).toBe(positions.length);
    const byStream = new Map<string, bigint[]>();
    for (const { event } of received) {
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.revision]);
    }
    for (const revisions of byStream.values()) {
      expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
    }
  }

  it('When 2,000 events are appended by 40 concurrent writers, then each is published once, in order per stream, with its headers', async () => {
    await appendMany(2_000, 40, 'many');
    await untilReceived(2_001);
    checkDelivery();
    const head = await store.headPosition();
    expect(
      received
        .map((r) => r.event.position)
        .sort((a, b) => (a < b ? -1 : 1))
        .at(-1),
    ).toBe(head);
    const sample = received[5]!;
    expect(sample.headers).toEqual({
      'event-id': sample.event.id,
      'event-type': 'Counted',
      'stream-id': sample.event.streamId,
      revision: String(sample.event.revision),
      position: String(sample.event.position),
    });
    for (let i = 0; i < 100 && relay!.status().position < head; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const row = await database.db('checkpoints').where({ name: 'relay' }).first();
    expect(BigInt(row.position)).toBe(head);
  });

  it("When events are published, then the relay records per partition the last position Kafka got there, for the projections' low-water marks", async () => {
    const head = await store.headPosition();
    await untilReceived(Number(head));
    const last = new Map<string, bigint>();
    for (const { event, partition } of received) {
      const key = `relay#${partition}`;
      if (event.position > (last.get(key) ?? 0n)) last.set(key, event.position);
    }
    // The topic has several partitions and the events went to more than one.
    expect(last.size).toBeGreaterThan(1);
    const rows = (await database
      .db('checkpoints')
      .where('name', 'like', 'relay#%')
      .select('name', 'position', 'recent')) as {
      name: string;
      position: string;
      recent: string;
    }[];
    expect(new Map(rows.map((r) => [r.name, BigInt(r.position)]))).toEqual(last);
    // And the positions before it there, up to 32, oldest first (0 while they reach the first).
    for (const { name, recent } of rows) {
      const partition = Number(name.slice('relay#'.length));
      const positions = received
        .filter((r) => r.partition === partition)
        .map((r) => r.event.position)
        .sort((a, b) => (a < b ? -1 : 1));
      expect(recent).toBe([0n, ...positions].slice(-32).join(','));
    }
  });

  it('When the relay is stopped mid-stream and started again, then it resumes from its checkpoint: nothing lost, nothing twice', async () => {
    const before = received.length;
    const writing = appendMany(1_000, 10, 'restart');
    await new Promise((r) => setTimeout(r, 100));
    await relay!.stop();
    await writing;
    relay = start();
    await untilReceived(before + 1_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before + 1_000);
    checkDelivery();
  });

  it('When a second relay runs beside the first, then it stands by: each event is published once, and it takes over when the first stops', async () => {
    const before = received.length;
    const spare = start(100);
    try {
      await appendMany(500, 10, 'pair');
      await untilReceived(before + 500);
      expect(spare.status().standby).toBe(true);
      await relay!.stop();
      relay = undefined;
      await appendMany(300, 10, 'takeover');
      await untilReceived(before + 800);
      expect(spare.status().standby).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect(received.length).toBe(before + 800);
      checkDelivery();
    } finally {
      await relay?.stop();
      relay = spare;
    }
  });

  it('When a transaction is held open while later ones wait, then the held event is still delivered, and first', async () => {
    const { store: slow, inCommit: inTransaction, release } = commitHoldingStore(database);
    const before = received.length;
    const held = slow.append('held', [{ type: 'Held', data: {} }], {
      expectedRevision: 'no_stream',
    });
    await inTransaction;
    const quick = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.append(`quick-${i}`, [{ type: 'Quick', data: {} }], {
          expectedRevision: 'no_stream',
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);
    release();
    await Promise.all([held, quick]);
    await untilReceived(before + 6);
    const mine = received.slice(before).map((r) => r.event);
    expect(mine.map((e) => e.type).sort()).toEqual([
      'Held',
      'Quick',
      'Quick',
      'Quick',
      'Quick',
      'Quick',
    ]);
    const heldEvent = mine.find((e) => e.type === 'Held')!;
    for (const e of mine) if (e !== heldEvent) expect(e.position > heldEvent.position).toBe(true);
    await slow.close();
  });
});
