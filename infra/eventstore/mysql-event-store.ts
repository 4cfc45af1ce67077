import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { ConcurrencyError, UnavailableError, ValidationError } from '../../domain/errors';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  FollowOptions,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from '../../commands/ports';
import { checkStreamId, parseMetadata, serializeEvents, type SerializedEvent } from './serialize';
import { isConnectionError, isRetryableTxError, isDuplicateKey } from './mysql-errors';
import { sleep, waitForEvent } from './wait';
import { withSession, type Query } from './mysql-session';
import { SqlText, sqlSize } from './sql-text';

export type MysqlEventStoreOptions = {
  /** Appends waiting together are written in one transaction, up to these sizes. */
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  /**
   * Batches written at once (default 1). More overlap one batch's stream locking with another's
   * position allocation and commit (positions still commit in order: the counter row serializes
   * them), but each then carries fewer appends; placed orders, which need no locking read, gain
   * nothing from it (about 5 % fewer orders/s with two under the purchase bench).
   */
  writers?: number;
  /** How often a follower looks for events appended by other processes. */
  pollIntervalMs?: number;
  readBatchSize?: number;
  /** How long a follower waits on a hole in positions before it moves past it. */
  gapWaitMs?: number;
  onGapSkipped?: (from: bigint, to: bigint) => void;
  /** Runs inside each append transaction just before it commits (tests hold a commit open). */
  beforeCommit?: () => Promise<void>;
};

type Pending = {
  streamId: string;
  events: SerializedEvent[];
  expected: ExpectedRevision;
  bytes: number;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
};

type Outcome = AppendResult | ConcurrencyError;
type Accepted = { pending: Pending; firstRevision: bigint; index: number };
/** One SQL statement and its bound values. */
type Statement = [string, unknown[]];

type EventRow = {
  position: string;
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: Date;
};

const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;
const MAX_TX_ATTEMPTS = 5;
const NO_STREAM = -1n;

/**
 * The event store on MySQL/MariaDB.
 *
 * Concurrent appends are queued and written together, one transaction per batch, so a burst of
 * single-event appends costs one commit rather than one each. In each transaction:
 *   1. the batch's stream rows are locked (created first when missing), in sorted order;
 *   2. each append's expected revision is checked against the locked revision: the first wins,
 *      the others in the batch or in other processes get a ConcurrencyError (a batch in which
 *      every append creates its own stream, as placed orders do, skips the read: inserting the
 *      stream rows is the check, and the transaction is sent in one round trip);
 *   3. positions are taken from the single `es_global` counter row, which stays locked until
 *      commit. Transactions therefore commit in position order, so a reader can never see
 *      position N+1 before N: a late-committing transaction cannot be skipped, and a rolled-back
 *      one leaves no hole (the counter rolls back with it).
 */
export class MysqlEventStore implements EventStore {
  private readonly options: Required<Omit<MysqlEventStoreOptions, 'beforeCommit' | 'onGapSkipped'>>;
  private readonly appended = new EventEmitter();
  private queue: Pending[] = [];
  private writing = 0;
  private readonly drains = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Knex,
    private readonly hooks: MysqlEventStoreOptions = {},
  ) {
    this.options = {
      maxBatchEvents: hooks.maxBatchEvents ?? 1_000,
      maxBatchBytes: hooks.maxBatchBytes ?? 8 * 1024 * 1024,
      pollIntervalMs: hooks.pollIntervalMs ?? 25,
      readBatchSize: hooks.readBatchSize ?? 1_000,
      gapWaitMs: hooks.gapWaitMs ?? 10_000,
      writers: hooks.writers ?? 1,
    };
    this.appended.setMaxListeners(0);
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      checkStreamId(streamId);
      const expected = checkExpectedRevision(options?.expectedRevision);
      const serialized = serializeEvents(events);
      if (this.closed) throw new UnavailableError('the event store is closed');
      const bytes = serialized.reduce((sum, e) => sum + e.data.length + e.metadata.length, 0);
      this.queue.push({ streamId, events: serialized, expected, bytes, resolve, reject });
      if (this.writing < this.options.writers) {
        this.writing += 1;
        const drain = this.drain().finally(() => this.drains.delete(drain));
        this.drains.add(drain);
      }
    });
  }

  async readStream(streamId: string, options: { fromRevision?: bigint } = {}) {
    checkStreamId(streamId);
    const [rows] = (await this.db.raw(
      `SELECT ${COLUMNS} FROM es_events WHERE stream_id = ? AND revision >= ? ORDER BY revision`,
      [streamId, String(options.fromRevision ?? 0n)],
    )) as [EventRow[]];
    return rows.map(toRecordedEvent);
  }

  async readAll({ after = 0n, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!Number.isInteger(maxCount) || maxCount < 1) {
      throw new ValidationError('maxCount must be a positive integer', { maxCount });
    }
    const [rows] = (await this.db.raw(
      `SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`,
      [String(after), maxCount],
    )) as [EventRow[]];
    return rows.map(toRecordedEvent);
  }

  async *follow({ after = 0n, signal }: FollowOptions): AsyncIterable<RecordedEvent> {
    let last = after;
    let gapSince: number | undefined;
    while (!signal.aborted) {
      // Subscribe before reading, so an append that lands during the read still wakes us.
      const woken = waitForEvent(this.appended, 'appended', this.options.pollIntervalMs, signal);
      const events = await this.readAll({ after: last, maxCount: this.options.readBatchSize });
      const contiguous = events.findIndex((e, i) => e.position !== last + BigInt(i) + 1n);
      const ready = contiguous === -1 ? events : events.slice(0, contiguous);
      for (const event of ready) {
        if (signal.aborted) return;
        yield event;
        last = event.position;
      }
      if (contiguous === -1) {
        gapSince = undefined;
        if (events.length === this.options.readBatchSize) {
          woken.cancel();
          continue;
        }
      } else if (ready.length === 0) {
        // Cannot happen with this store's own writes (see the class comment); a hole made by
        // hand is waited on, then passed, so a follower never stops for good.
        gapSince ??= Date.now();
        const next = events[0]!.position;
        if (Date.now() - gapSince >= this.options.gapWaitMs) {
          this.hooks.onGapSkipped?.(last + 1n, next - 1n);
          last = next - 1n;
          gapSince = undefined;
          woken.cancel();
          continue;
        }
      } else {
        woken.cancel();
        continue;
      }
      await woken.promise;
    }
  }

  async headPosition(): Promise<bigint> {
    const [rows] = (await this.db.raw('SELECT last_position FROM es_global WHERE id = 1')) as [
      { last_position: string }[],
    ];
    return BigInt(rows[0]?.last_position ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.drains]);
    this.appended.emit('appended');
  }

  private async drain(): Promise<void> {
    try {
      // Take the first batch one microtask later, not inside the append that started the
      // drain: the appends made in the same turn (every order whose reservation came back in
      // one Redis reply) then share its transaction instead of waiting for the next one.
      await Promise.resolve();
      while (this.queue.length > 0) {
        let started = false;
        try {
          // One connection for as long as appends keep coming: taking it from the pool for
          // every batch cost about 0.5 ms of each commit's 4 under the purchase bench. A broken
          // one is given up, and the next batch takes another.
          await withSession(this.db, async ({ query, isBroken }) => {
            started = true;
            while (this.queue.length > 0 && !isBroken()) {
              await this.writeWithRetry(query, this.takeBatch());
            }
          });
        } catch (error) {
          // No connection could be had: the batch that would have gone next fails with that.
          // (Once started, every batch taken has been settled: writeWithRetry never throws.)
          if (started) continue;
          const failure = toStoreError(error);
          for (const pending of this.takeBatch()) pending.reject(failure);
        }
      }
    } finally {
      // In the same step as the last look at the queue: an append queued after that look
      // sees a free writer and starts a new drain.
      this.writing -= 1;
    }
  }

  private takeBatch(): Pending[] {
    let events = 0;
    let bytes = 0;
    let taken = 0;
    for (const pending of this.queue) {
      const fits =
        events + pending.events.length <= this.options.maxBatchEvents &&
        bytes + pending.bytes <= this.options.maxBatchBytes;
      if (taken > 0 && !fits) break;
      events += pending.events.length;
      bytes += pending.bytes;
      taken += 1;
    }
    return this.queue.splice(0, taken);
  }

  private async writeWithRetry(query: Query, batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcomes = await this.writeBatch(query, batch);
        batch.forEach((pending, i) => {
          const outcome = outcomes[i]!;
          if (outcome instanceof ConcurrencyError) pending.reject(outcome);
          else pending.resolve(outcome);
        });
        this.appended.emit('appended');
        return;
      } catch (error) {
        if (isRetryableTxError(error) && attempt < MAX_TX_ATTEMPTS) {
          await sleep(attempt * 5 + Math.random() * 10);
          continue;
        }
        if (batch.length > 1 && !isConnectionError(error)) {
          // One append broke the batch (say, a reused event id): write each alone, so only
          // that one fails.
          for (const pending of batch) await this.writeWithRetry(query, [pending]);
          return;
        }
        const failure = toStoreError(error);
        for (const pending of batch) pending.reject(failure);
        return;
      }
    }
  }

  /**
   * One transaction per batch. A batch that only creates streams (every order placed is one)
   * takes one round trip; any other, or one that meets an existing stream, takes two.
   */
  private async writeBatch(query: Query, batch: Pending[]): Promise<Outcome[]> {
    try {
      if (createsNewStreamsOnly(batch)) {
        const outcomes = await this.createStreams(query, batch);
        if (outcomes) return outcomes;
      }
      return await this.writeLocked(query, batch);
    } catch (error) {
      await query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Every append expects `no_stream`, each on its own stream: inserting the stream rows with
   * their final revisions is the check, so the whole transaction travels in one round trip.
   * A stream that exists already fails the insert (nothing of the batch is written), and the
   * batch goes the locking way instead, which tells each append its own outcome. Returns
   * undefined in that case.
   */
  private async createStreams(query: Query, batch: Pending[]): Promise<Outcome[] | undefined> {
    const created = [...batch].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    const insertStreams: Statement = [
      `INSERT INTO es_streams (stream_id, revision) VALUES ${created.map(() => '(?, ?)').join(', ')}`,
      created.flatMap((p) => [p.streamId, String(p.events.length - 1)]),
    ];
    const accepted = batch.map((pending, index) => ({ pending, firstRevision: 0n, index }));
    try {
      return await this.commitEvents(query, [['START TRANSACTION', []], insertStreams], accepted);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await query('ROLLBACK');
      return undefined;
    }
  }

  /**
   * (1) Lock the batch's streams (created first when missing) and read their revisions; decide
   * in memory; (2) take positions, insert the events, move the revisions, commit.
   */
  private async writeLocked(query: Query, batch: Pending[]): Promise<Outcome[]> {
    const streams = [...new Set(batch.map((p) => p.streamId))].sort();
    const inList = streams.map(() => '?').join(', ');
    const results = (await query(
      `START TRANSACTION;
       INSERT INTO es_streams (stream_id, revision) VALUES ${streams.map(() => '(?, -1)').join(', ')}
         ON DUPLICATE KEY UPDATE revision = revision;
       SELECT stream_id, revision FROM es_streams WHERE stream_id IN (${inList}) FOR UPDATE`,
      [...streams, ...streams],
    )) as unknown[];
    const locked = results[2] as { stream_id: string; revision: string }[];
    const revisions = new Map(locked.map((row) => [row.stream_id, BigInt(row.revision)]));

    const outcomes: Outcome[] = [];
    const accepted: Accepted[] = [];
    batch.forEach((pending, index) => {
      const actual = revisions.get(pending.streamId) ?? NO_STREAM;
      if (!matches(pending.expected, actual)) {
        outcomes[index] = new ConcurrencyError(
          pending.streamId,
          describeRevision(pending.expected),
          describeRevision(actual),
        );
        return;
      }
      revisions.set(pending.streamId, actual + BigInt(pending.events.length));
      accepted.push({ pending, firstRevision: actual + 1n, index });
    });
    if (accepted.length === 0) {
      await query('COMMIT');
      return outcomes;
    }
    const touched = [...new Set(accepted.map((a) => a.pending.streamId))];
    const moveRevisions: Statement = [
      `UPDATE es_streams SET revision = CASE stream_id ${touched.map(() => 'WHEN ? THEN ?').join(' ')} END
       WHERE stream_id IN (${touched.map(() => '?').join(', ')})`,
      [...touched.flatMap((s) => [s, String(revisions.get(s))]), ...touched],
    ];
    return this.commitEvents(query, [], accepted, outcomes, [moveRevisions]);
  }

  /**
   * Runs `before`, takes the accepted appends' positions from the counter row (locked from here
   * to the commit), inserts their events, runs `after` and commits, in as few round trips as
   * the payload allows. Fills in and returns `outcomes`.
   */
  private async commitEvents(
    query: Query,
    before: Statement[],
    accepted: Accepted[],
    outcomes: Outcome[] = [],
    after: Statement[] = [],
  ): Promise<Outcome[]> {
    // LAST_INSERT_ID(expr) carries the new counter value to the INSERT in the same session (and
    // back to us in the UPDATE's insertId): MySQL 8 and MariaDB both have it.
    const count = accepted.reduce((sum, a) => sum + a.pending.events.length, 0);
    // One timestamp for the batch, formatted once (the connection's time zone is UTC).
    const recordedAt = new Date().toISOString().slice(0, 23).replace('T', ' ');
    const rows: unknown[][] = [];
    let offset = 0;
    for (const { pending, firstRevision } of accepted) {
      let revision = firstRevision;
      for (const event of pending.events) {
        // position = (last position after this batch) - (count - 1 - offset)
        rows.push([
          count - 1 - offset,
          event.id,
          pending.streamId,
          String(revision),
          event.type,
          new SqlText(event.data),
          new SqlText(event.metadata),
          recordedAt,
        ]);
        offset += 1;
        revision += 1n;
      }
    }
    const statements: Statement[] = [
      ...before,
      [
        'UPDATE es_global SET last_position = LAST_INSERT_ID(last_position + ?) WHERE id = 1',
        [count],
      ],
      ...chunkByBytes(rows).map((chunk): Statement => [
        `INSERT INTO es_events (${COLUMNS}) VALUES ${chunk.map(() => '(LAST_INSERT_ID() - ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      ]),
      ...after,
    ];
    const holdCommit = this.hooks.beforeCommit !== undefined;
    if (!holdCommit) statements.push(['COMMIT', []]);
    const answers = await runPacked(query, statements);
    const last = BigInt((answers[before.length] as { insertId: number | string }).insertId);
    if (holdCommit) {
      await this.hooks.beforeCommit!();
      await query('COMMIT');
    }

    let position = last - BigInt(count) + 1n;
    for (const { pending, firstRevision, index } of accepted) {
      position += BigInt(pending.events.length);
      outcomes[index] = {
        nextExpectedRevision: firstRevision + BigInt(pending.events.length) - 1n,
        position: position - 1n,
      };
    }
    return outcomes;
  }
}

/** Every append creates a stream and no two create the same one. */
function createsNewStreamsOnly(batch: Pending[]): boolean {
  if (!batch.every((p) => p.expected === 'no_stream' && p.events.length > 0)) return false;
  return new Set(batch.map((p) => p.streamId)).size === batch.length;
}

/**
 * Sends statements in as few round trips as fit: small batches go in one, while big payloads
 * keep each round trip well under MySQL's max_allowed_packet. Returns every statement's result.
 */
async function runPacked(query: Query, statements: Statement[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  let sql: string[] = [];
  let values: unknown[] = [];
  let bytes = 0;
  const flush = async () => {
    if (sql.length === 0) return;
    const result = await query(sql.join(';\n'), values);
    answers.push(...(sql.length === 1 ? [result] : (result as unknown[])));
    sql = [];
    values = [];
    bytes = 0;
  };
  for (const [statement, params] of statements) {
    const size = params.reduce<number>((sum, v) => sum + sqlSize(v), statement.length);
    if (bytes > 0 && bytes + size > MAX_STATEMENT_BYTES) await flush();
    sql.push(statement);
    values.push(...params);
    bytes += size;
  }
  await flush();
  return answers;
}

function checkExpectedRevision(expected: unknown): ExpectedRevision {
  if (expected === 'no_stream' || expected === 'any') return expected;
  if (typeof expected === 'bigint' && expected >= 0n) return expected;
  throw new ValidationError("expectedRevision must be 'no_stream', 'any' or a bigint >= 0", {
    expectedRevision: String(expected),
  });
}

function matches(expected: ExpectedRevision, actual: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === NO_STREAM;
  return expected === actual;
}

function describeRevision(revision: ExpectedRevision): string {
  return revision === NO_STREAM ? 'no_stream' : String(revision);
}

function chunkByBytes(rows: unknown[][]): unknown[][][] {
  const chunks: unknown[][][] = [];
  let current: unknown[][] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = sqlSize(row[5]) + sqlSize(row[6]) + 200;
    if (current.length > 0 && bytes + size > MAX_STATEMENT_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toStoreError(error: unknown): Error {
  if (isConnectionError(error)) {
    return new UnavailableError(`the event store did not answer: ${(error as Error).message}`);
  }
  if (isDuplicateKey(error)) {
    return new ValidationError('an event with this id was already appended', {
      cause: (error as Error).message,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    data: JSON.parse(row.data) as unknown,
    metadata: parseMetadata(row.metadata),
    recordedAt: row.recorded_at,
  };
}
