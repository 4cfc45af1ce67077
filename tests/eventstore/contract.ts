import { randomUUID } from 'node:crypto';
import { ConcurrencyError, ValidationError } from '../../domain/errors';
import type { EventStore, NewEvent, RecordedEvent } from '../../commands/ports';

export type ContractFixture = {
  /** A store client of its own, as another process would have. */
  createStore(options?: { beforeCommit?: () => Promise<void> }): EventStore;
};

const stream = (label: string) => `contract-${label}-${randomUUID()}`;
const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data });

async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<T>[];
  const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  return { won, lost };
}

async function collect(
  store: EventStore,
  after: bigint,
  count: number,
  keep: (e: RecordedEvent) => boolean = () => true,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), 20_000);
  const seen: RecordedEvent[] = [];
  try {
    for await (const e of store.follow({ after, signal: controller.signal })) {
      if (keep(e)) seen.push(e);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return seen;
}

/**
 * What every EventStore adapter must do. Each test uses streams of its own, so the suite can
 * share one store with anything else running against it.
 */
/**
 * `lateCommitNotApplicable`: why the late-commit check does not apply, when it does not (only a
 * store whose appends run in a transaction that `beforeCommit` holds open can show it).
 */
export function eventStoreContract(
  fixture: () => ContractFixture,
  lateCommitNotApplicable?: string,
): void {
  let store: EventStore;
  const opened: EventStore[] = [];
  const open = (options?: { beforeCommit?: () => Promise<void> }) => {
    const s = fixture().createStore(options);
    opened.push(s);
    return s;
  };

  beforeAll(() => {
    store = open();
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  describe('append and read', () => {
    it('When events are appended to a new stream, then they read back as written, in order', async () => {
      const id = stream('roundtrip');
      const before = Date.now();
      const result = await store.append(
        id,
        [
          {
            type: 'OrderPlaced',
            data: { orderId: 'o1', total: 1999 },
            metadata: { correlationId: 'c1', userId: 'u1' },
          },
          { type: 'PaymentInitiated', data: { paymentId: 'p1' }, metadata: { causationId: 'e1' } },
          event('PaymentCompleted', { amount: 1999 }),
        ],
        { expectedRevision: 'no_stream' },
      );
      expect(result.nextExpectedRevision).toBe(2n);

      const events = await store.readStream(id);
      expect(events.map((e) => [e.type, e.revision, e.streamId])).toEqual([
        ['OrderPlaced', 0n, id],
        ['PaymentInitiated', 1n, id],
        ['PaymentCompleted', 2n, id],
      ]);
      expect(events[0]!.data).toEqual({ orderId: 'o1', total: 1999 });
      expect(events[0]!.metadata).toEqual({ correlationId: 'c1', userId: 'u1' });
      expect(events[1]!.metadata).toEqual({ causationId: 'e1' });
      expect(events[2]!.metadata).toEqual({});
      expect(events[2]!.position).toBe(result.position);
      expect(events[0]!.position < events[1]!.position).toBe(true);
      expect(events[1]!.position < events[2]!.position).toBe(true);
      for (const e of events) {
        expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(e.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
        expect(e.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
      }
      expect((await store.readStream(id, { fromRevision: 2n })).map((e) => e.type)).toEqual([
        'PaymentCompleted',
      ]);
    });

    it('When a stream does not exist, then reading it gives no events', async () => {
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('When an event id is given, then the event keeps it', async () => {
      const id = stream('ids');
      const eventId = randomUUID();
      await store.append(id, [{ id: eventId, type: 'SkuListed', data: {} }], {
        expectedRevision: 'no_stream',
      });
      expect((await store.readStream(id))[0]!.id).toBe(eventId);
    });
  });

  describe('expected revision', () => {
    it('When the expected revision is the current one, then the append succeeds; otherwise it conflicts', async () => {
      const id = stream('expected');
      await store.append(id, [event('A')], { expectedRevision: 'no_stream' });

      await expect(
        store.append(id, [event('B')], { expectedRevision: 'no_stream' }),
      ).rejects.toThrow(ConcurrencyError);
      await expect(store.append(id, [event('B')], { expectedRevision: 5n })).rejects.toThrow(
        ConcurrencyError,
      );
      const second = await store.append(id, [event('B'), event('C')], { expectedRevision: 0n });
      expect(second.nextExpectedRevision).toBe(2n);
      await expect(store.append(id, [event('D')], { expectedRevision: 0n })).rejects.toMatchObject({
        code: 'CONCURRENCY_CONFLICT',
        streamId: id,
        expected: '0',
        actual: '2',
      });
      const any = await store.append(id, [event('D')], { expectedRevision: 'any' });
      expect(any.nextExpectedRevision).toBe(3n);
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    });

    it('When an exact revision is expected of a stream that does not exist, then it conflicts', async () => {
      const id = stream('absent');
      await expect(store.append(id, [event('A')], { expectedRevision: 0n })).rejects.toMatchObject({
        code: 'CONCURRENCY_CONFLICT',
        actual: 'no_stream',
      });
      const first = await store.append(id, [event('A')], { expectedRevision: 'any' });
      expect(first.nextExpectedRevision).toBe(0n);
    });

    it('When 100 appenders from two clients race for the same revision, then exactly one wins', async () => {
      const other = open();
      const id = stream('race');
      await store.append(id, [event('Created')], { expectedRevision: 'no_stream' });
      const { won, lost } = await settle(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? store : other).append(id, [event('Raced', { i })], { expectedRevision: 0n }),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(99);
      for (const l of lost) expect(l.reason).toBeInstanceOf(ConcurrencyError);
      const events = await store.readStream(id);
      expect(events.map((e) => e.revision)).toEqual([0n, 1n]);
      expect(events[1]!.data).toEqual({ i: expect.any(Number) });
    });

    it('When 100 appenders race to create the same stream, then exactly one creates it', async () => {
      const other = open();
      const id = stream('create-race');
      const { won, lost } = await settle(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? store : other).append(id, [event('Created', { i })], {
            expectedRevision: 'no_stream',
          }),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost.every((l) => l.reason instanceof ConcurrencyError)).toBe(true);
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('When 100 appenders each re-read and retry on conflict, then every one lands exactly once, revisions without holes', async () => {
      const other = open();
      const id = stream('retry');
      const appendWithRetry = async (client: EventStore, i: number) => {
        for (let attempt = 0; attempt < 1_000; attempt += 1) {
          const current = await client.readStream(id);
          const expectedRevision = current.length === 0 ? 'no_stream' : BigInt(current.length - 1);
          try {
            return await client.append(id, [event('Counted', { i })], { expectedRevision });
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
          }
        }
        throw new Error(`appender ${i} never got through`);
      };
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => appendWithRetry(i % 2 ? store : other, i)),
      );
      const events = await store.readStream(id);
      expect(events.map((e) => e.revision)).toEqual(
        Array.from({ length: 100 }, (_, i) => BigInt(i)),
      );
      const seen = events.map((e) => (e.data as { i: number }).i).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });
  });

  describe('global order', () => {
    it('When many streams are appended concurrently, then reading all gives every event once, positions increasing, each stream in revision order', async () => {
      const other = open();
      const head = await store.headPosition();
      const streams = Array.from({ length: 20 }, (_, i) => stream(`global-${i}`));
      const appended = await Promise.all(
        streams
          .flatMap((id, s) =>
            [0, 1, 2].map(async (n) => {
              // Each stream gets three sequential appends; streams interleave with each other.
              await new Promise((r) => setTimeout(r, n * 5));
              return { id, n, s };
            }),
          )
          .map(async (job) => {
            const { id, s } = await job;
            return (s % 2 ? store : other).append(id, [event('Step', { s })], {
              expectedRevision: 'any',
            });
          }),
      );
      expect(appended).toHaveLength(60);

      const ours = new Set(streams);
      const all: RecordedEvent[] = [];
      let after = head;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 17 });
        if (page.length === 0) break;
        all.push(...page);
        after = page[page.length - 1]!.position;
      }
      const mine = all.filter((e) => ours.has(e.streamId));
      expect(mine).toHaveLength(60);
      for (let i = 1; i < all.length; i += 1) {
        expect(all[i]!.position > all[i - 1]!.position).toBe(true);
      }
      expect(new Set(mine.map((e) => e.id)).size).toBe(60);
      for (const id of streams) {
        expect(mine.filter((e) => e.streamId === id).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      }
      expect(await store.headPosition()).toBeGreaterThanOrEqual(all[all.length - 1]!.position);
    });

    it('When reading from a position, then only later events come back, and pages add up to one read', async () => {
      const id = stream('from');
      const first = await store.append(id, [event('A'), event('B')], {
        expectedRevision: 'no_stream',
      });
      await store.append(id, [event('C'), event('D'), event('E')], { expectedRevision: 1n });

      const later = (await store.readAll({ after: first.position, maxCount: 10_000 })).filter(
        (e) => e.streamId === id,
      );
      expect(later.map((e) => e.type)).toEqual(['C', 'D', 'E']);
      expect(later.every((e) => e.position > first.position)).toBe(true);

      const start = first.position - 2n;
      const whole = await store.readAll({ after: start, maxCount: 10_000 });
      const paged: RecordedEvent[] = [];
      let after = start;
      while (paged.length < whole.length) {
        const page = await store.readAll({ after, maxCount: 2 });
        paged.push(...page);
        after = page[page.length - 1]!.position;
      }
      expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    });
  });

  describe('follow', () => {
    it('When events are appended while a follower waits, then it receives them in order as they come', async () => {
      const id = stream('follow');
      const head = await store.headPosition();
      const received = collect(store, head, 5, (e) => e.streamId === id);
      const writer = open();
      await writer.append(id, [event('E0')], { expectedRevision: 'no_stream' });
      for (let i = 1; i < 5; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        await writer.append(id, [event(`E${i}`)], { expectedRevision: BigInt(i - 1) });
      }
      const events = await received;
      expect(events.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
    });

    it('When following from a past position, then the backlog comes first, then new events', async () => {
      const id = stream('backlog');
      const head = await store.headPosition();
      await store.append(id, [event('Old1'), event('Old2')], { expectedRevision: 'no_stream' });
      const received = collect(store, head, 3, (e) => e.streamId === id);
      await store.append(id, [event('New')], { expectedRevision: 1n });
      expect((await received).map((e) => e.type)).toEqual(['Old1', 'Old2', 'New']);
    });

    it('When the signal aborts, then the follower ends', async () => {
      const controller = new AbortController();
      const iterator = store.follow({
        after: await store.headPosition(),
        signal: controller.signal,
      });
      const done = (async () => {
        let n = 0;
        for await (const _ of iterator) n += 1;
        return n;
      })();
      setTimeout(() => controller.abort(), 100);
      await expect(done).resolves.toBeGreaterThanOrEqual(0);
    });
  });

  describe('late commits', () => {
    const lateCommitIt = lateCommitNotApplicable ? it.skip : it;
    const suffix = lateCommitNotApplicable ? ` (skipped: ${lateCommitNotApplicable})` : '';
    lateCommitIt(
      `When a transaction commits after later appends started, then a follower still gets every event, in position order${suffix}`,
      async () => {
        let entered!: () => void;
        const inTransaction = new Promise<void>((r) => (entered = r));
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const slow = open({
          beforeCommit: async () => {
            entered();
            await gate;
          },
        });
        const fast = open();
        const head = await store.headPosition();
        const late = stream('late');
        const quick = Array.from({ length: 5 }, (_, i) => stream(`quick-${i}`));
        const ours = new Set([late, ...quick]);
        const received = collect(store, head, 6, (e) => ours.has(e.streamId));

        const slowAppend = slow.append(late, [event('Late')], { expectedRevision: 'no_stream' });
        await inTransaction;
        let fastDone = false;
        const fastAppends = Promise.all(
          quick.map((id) => fast.append(id, [event('Quick')], { expectedRevision: 'no_stream' })),
        ).then((r) => ((fastDone = true), r));
        await new Promise((r) => setTimeout(r, 300));
        // Later appends wait for the earlier transaction instead of overtaking it.
        expect(fastDone).toBe(false);
        release();
        const [lateResult, quickResults] = await Promise.all([slowAppend, fastAppends]);

        const events = await received;
        expect(events.map((e) => e.type)).toEqual([
          'Late',
          'Quick',
          'Quick',
          'Quick',
          'Quick',
          'Quick',
        ]);
        expect(events[0]!.position).toBe(lateResult.position);
        for (const r of quickResults) expect(r.position > lateResult.position).toBe(true);
        for (let i = 1; i < events.length; i += 1) {
          expect(events[i]!.position > events[i - 1]!.position).toBe(true);
        }
      },
    );
  });

  describe('payloads', () => {
    it('When data holds unicode, then it reads back exactly', async () => {
      const id = stream('unicode');
      const data = {
        name: 'Ünïcødé 限时抢购 🛒🔥 עברית العربية',
        emoji: '👩‍👩‍👧‍👦',
        escapes: 'quote " backslash \\ newline \n tab \t nul-free',
        nested: { ключ: ['значение', 1, null, true] },
      };
      await store.append(id, [{ type: 'SkuListed', data, metadata: { userId: 'пользователь' } }], {
        expectedRevision: 'no_stream',
      });
      const [read] = await store.readStream(id);
      expect(read!.data).toEqual(data);
      expect(read!.metadata).toEqual({ userId: 'пользователь' });
    });

    it('When an event carries 1 MiB of data, then it reads back whole', async () => {
      const id = stream('big');
      const blob = 'x€'.repeat((512 * 1024) / 2) + 'é'.repeat(256 * 1024);
      const data = { blob, size: blob.length };
      expect(Buffer.byteLength(JSON.stringify(data))).toBeGreaterThan(1024 * 1024);
      await store.append(
        id,
        [
          { type: 'Big', data },
          { type: 'Big', data },
        ],
        { expectedRevision: 'no_stream' },
      );
      const events = await store.readStream(id);
      expect(events).toHaveLength(2);
      expect(events[1]!.data).toEqual(data);
    });
  });

  describe('bad input', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [string, () => [string, unknown[], unknown], RegExp][] = [
      [
        'an empty stream id',
        () => ['', [event('A')], 'any'],
        /stream id must be a non-empty string/,
      ],
      [
        'a stream id that is not a string',
        () => [42 as unknown as string, [event('A')], 'any'],
        /stream id/,
      ],
      [
        'a stream id of 256 characters',
        () => ['s'.repeat(256), [event('A')], 'any'],
        /longer than 255/,
      ],
      ['no events', () => [stream('bad'), [], 'any'], /at least one event/],
      [
        'an event without a type',
        () => [stream('bad'), [{ type: '', data: {} }], 'any'],
        /type must be/,
      ],
      [
        'data with a BigInt',
        () => [stream('bad'), [{ type: 'A', data: { n: 1n } }], 'any'],
        /data is not JSON/,
      ],
      [
        'cyclic data',
        () => [stream('bad'), [{ type: 'A', data: cyclic }], 'any'],
        /data is not JSON/,
      ],
      [
        'data that is a string',
        () => [stream('bad'), [{ type: 'A', data: 'text' }], 'any'],
        /data must be a JSON object/,
      ],
      [
        'data that is a function',
        () => [stream('bad'), [{ type: 'A', data: () => 1 }], 'any'],
        /data must be a JSON object/,
      ],
      [
        'metadata that is an array',
        () => [stream('bad'), [{ type: 'A', data: {}, metadata: [] }], 'any'],
        /metadata must be a JSON object/,
      ],
      [
        'an event id that is not a UUID',
        () => [stream('bad'), [{ id: 'nope', type: 'A', data: {} }], 'any'],
        /id must be a UUID/,
      ],
      [
        'an expected revision of -1',
        () => [stream('bad'), [event('A')], -1n],
        /expectedRevision must be/,
      ],
      [
        'an expected revision given as a number',
        () => [stream('bad'), [event('A')], 3],
        /expectedRevision must be/,
      ],
    ];

    it.each(cases)(
      'When an append has %s, then it is rejected with a clear error and nothing is written',
      async (_, make, message) => {
        const [id, events, expectedRevision] = make();
        const head = await store.headPosition();
        const attempt = store.append(id, events as NewEvent[], {
          expectedRevision: expectedRevision as bigint,
        });
        await expect(attempt).rejects.toBeInstanceOf(ValidationError);
        await expect(attempt).rejects.toThrow(message);
        if (typeof id === 'string' && id.length > 0 && id.length <= 255) {
          expect(await store.readStream(id)).toEqual([]);
        }
        // Other suites may append meanwhile; none of what was appended may be ours.
        const since = await store.readAll({ after: head, maxCount: 10_000 });
        expect(since.filter((e) => e.streamId === id)).toEqual([]);
      },
    );

    it('When an event is over the size limit, then it is rejected', async () => {
      const id = stream('huge');
      await expect(
        store.append(id, [{ type: 'Huge', data: { blob: 'x'.repeat(9 * 1024 * 1024) } }], {
          expectedRevision: 'any',
        }),
      ).rejects.toThrow(/over the 8388608 limit/);
    });

    it('When one append in a busy moment is bad, then the good ones beside it still land', async () => {
      const reused = randomUUID();
      const head = await store.headPosition();
      const first = stream('dup-a');
      await store.append(first, [{ id: reused, type: 'A', data: {} }], {
        expectedRevision: 'no_stream',
      });
      const good = Array.from({ length: 10 }, (_, i) => stream(`good-${i}`));
      const results = await Promise.allSettled([
        ...good.map((id) => store.append(id, [event('Good')], { expectedRevision: 'no_stream' })),
        store.append(stream('dup-b'), [{ id: reused, type: 'B', data: {} }], {
          expectedRevision: 'no_stream',
        }),
      ]);
      expect(results.slice(0, 10).every((r) => r.status === 'fulfilled')).toBe(true);
      for (const id of good) expect(await store.readStream(id)).toHaveLength(1);
      // EventStoreDB treats a reused id as an idempotent repeat; MySQL rejects it. Either way
      // the event with that id is stored once.
      const withId = (await store.readAll({ after: head, maxCount: 100_000 })).filter(
        (e) => e.id === reused,
      );
      expect(withId).toHaveLength(1);
    });
  });
}
