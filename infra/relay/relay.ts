import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Knex } from 'knex';
import type { EventStore } from '../../commands/ports';
import { readCheckpoint, saveCheckpoint } from '../db/checkpoints';
import { ensureTopics, toEventMessage, topicsFor } from '../kafka';
import { correlationIdsOf, type Logger } from '../log';

export type RelayDeps = {
  eventStore: EventStore;
  kafka: Kafka;
  db: Knex;
  topicPrefix: string;
  logger: Logger;
  /** The checkpoint's name. */
  name?: string;
  partitions?: number;
  batchSize?: number;
  /** How long to wait for new events when caught up. */
  idleMs?: number;
};

export type RelayStatus = {
  /** The last position Kafka acknowledged (and the checkpoint holds). */
  position: bigint;
  lastPublishedAt: Date | null;
  /** The last failure, while it lasts; null once publishing works again. */
  failing: string | null;
  published: number;
};

const MAX_BACKOFF_MS = 5_000;

/**
 * The relay: tails the event store in global order from its checkpoint and publishes each event
 * to Kafka, keyed by stream id, with an idempotent producer. The checkpoint moves only after Kafka
 * acknowledged a batch, so a crash repeats at most that batch (projectors ignore what they have
 * applied) and never skips one. Readers of the MySQL store never see a later position before an
 * earlier one commits, so reading pages in position order is enough to never skip an event.
 * Failures (Kafka or the database away) are retried with capped backoff, for ever.
 */
export function startRelay(deps: RelayDeps) {
  const name = deps.name ?? 'relay';
  const batchSize = deps.batchSize ?? 1_000;
  const idleMs = deps.idleMs ?? 20;
  const topic = topicsFor(deps.topicPrefix).events;
  const log = deps.logger.child({ role: 'relay' });
  const status: RelayStatus = { position: 0n, lastPublishedAt: null, failing: null, published: 0 };
  const abort = new AbortController();
  let producer: Producer | undefined;
  let connected = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      abort.signal.addEventListener('abort', done);
    });

  async function publish(after: bigint): Promise<bigint> {
    const events = await deps.eventStore.readAll({ after, maxCount: batchSize });
    if (events.length === 0) return after;
    if (!producer) {
      await ensureTopics(deps.kafka, deps.topicPrefix, deps.partitions);
      producer = deps.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
    }
    if (!connected) {
      await producer.connect();
      connected = true;
    }
    await producer.send({ topic, acks: -1, messages: events.map(toEventMessage) });
    const last = events[events.length - 1]!.position;
    await saveCheckpoint(deps.db, name, last);
    status.published += events.length;
    status.lastPublishedAt = new Date();
    // One line per batch, naming the requests behind it: grep <requestId> finds the relay too.
    log.info(
      {
        count: events.length,
        from: String(events[0]!.position),
        to: String(last),
        correlationIds: correlationIdsOf(events),
      },
      'events published',
    );
    return last;
  }

  async function loop() {
    let after: bigint | undefined;
    let backoff = 100;
    while (!abort.signal.aborted) {
      try {
        after ??= await readCheckpoint(deps.db, name);
        status.position = after;
        const next = await publish(after);
        if (status.failing) log.info({ position: String(next) }, 'relay is publishing again');
        status.failing = null;
        backoff = 100;
        if (next === after) await sleep(idleMs);
        after = next;
        status.position = next;
      } catch (error) {
        if (abort.signal.aborted) break;
        const message = (error as Error).message;
        if (status.failing === null) log.warn({ err: error }, 'relay cannot publish; retrying');
        status.failing = message;
        // A producer that failed may hold a broken connection: start over with a fresh one.
        await producer?.disconnect().catch(() => undefined);
        connected = false;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  const running = loop();
  log.info({ topic }, 'relay started');
  return {
    status: (): RelayStatus => ({ ...status }),
    async stop(): Promise<void> {
      abort.abort();
      await running;
      await producer?.disconnect().catch(() => undefined);
    },
  };
}

export type Relay = ReturnType<typeof startRelay>;
