import {
  Partitioners,
  type ICustomPartitioner,
  type Kafka,
  type PartitionerArgs,
  type Producer,
} from 'kafkajs';
import type { Knex } from 'knex';
import type { EventStore } from '../../commands/ports';
import {
  partitionCheckpoint,
  partitionCheckpoints,
  readCheckpoint,
  readCheckpoints,
  RELAY_CHECKPOINT,
  saveCheckpoints,
} from '../db/checkpoints';
import { holdNamedLock, type HeldLock } from '../db/named-lock';
import { ensureTopics, toEventMessage, topicsFor } from '../kafka';
import { correlationIdsOf, type Logger } from '../log';

export type RelayDeps = {
  eventStore: EventStore;
  kafka: Kafka;
  db: Knex;
  topicPrefix: string;
  logger: Logger;
  /** The database's name: one relay per database publishes (a MySQL named lock). */
  database: string;
  /** The checkpoint's name. */
  name?: string;
  /** How often a relay standing by tries to take over. */
  standbyMs?: number;
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
  /** Another relay holds the lead: this one publishes nothing until it can take over. */
  standby: boolean;
};

const MAX_BACKOFF_MS = 5_000;

/**
 * How many of the last positions sent to a partition its checkpoint keeps: a projector up to
 * this many events behind in a partition gets an exact low-water mark (projections/watermark.ts).
 */
const RECENT = 32;

/** The relay's recent positions per partition, from its checkpoints (none: an older version). */
async function recentOf(db: Knex, name: string): Promise<Map<number, bigint[]>> {
  const found = new Map<number, bigint[]>();
  for (const [partition, { recent }] of partitionCheckpoints(await readCheckpoints(db), name)) {
    found.set(partition, [...(recent ?? [])]);
  }
  return found;
}

/**
 * The relay: tails the event store in global order from its checkpoint and publishes each event
 * to Kafka, keyed by stream id, with an idempotent producer. The checkpoint moves only after Kafka
 * acknowledged a batch, so a crash repeats at most that batch (projectors ignore what they have
 * applied) and never skips one. Readers of the MySQL store never see a later position before an
 * earlier one commits, so reading pages in position order is enough to never skip an event.
 * Failures (Kafka or the database away) are retried with capped backoff, for ever.
 *
 * One relay per database publishes: it holds a MySQL named lock on a connection of its own, and
 * checks that connection before each batch. Another (a second process, a deployment's spare)
 * stands by and takes over when that connection ends, from the checkpoint: two relays at once
 * published every event twice. A leader that loses its connection right after the check may send
 * one batch more, which projectors ignore like any redelivery.
 */
export function startRelay(deps: RelayDeps) {
  const name = deps.name ?? RELAY_CHECKPOINT;
  const batchSize = deps.batchSize ?? 1_000;
  const idleMs = deps.idleMs ?? 20;
  const topic = topicsFor(deps.topicPrefix).events;
  const log = deps.logger.child({ role: 'relay' });
  const standbyMs = deps.standbyMs ?? 1_000;
  const lock = `${deps.database}.relay.${name}`;
  const status: RelayStatus = {
    position: 0n,
    lastPublishedAt: null,
    failing: null,
    published: 0,
    standby: false,
  };
  /** The lock this relay holds while it leads. */
  let leading: HeldLock | undefined;
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

  /** The last positions sent to each partition, as the checkpoints hold them (see RECENT). */
  let recent = new Map<number, bigint[]>();
  /** Where the partitioner put each event of the batch being sent (a retry overwrites it). */
  const placed = new Map<bigint, number>();
  const noting =
    (partitioner: ReturnType<ICustomPartitioner>) =>
    (args: PartitionerArgs): number => {
      const partition = partitioner(args);
      const position = args.message.headers?.position;
      if (position !== undefined) placed.set(BigInt(String(position)), partition);
      return partition;
    };

  async function publish(after: bigint): Promise<bigint> {
    const events = await deps.eventStore.readAll({ after, maxCount: batchSize });
    if (events.length === 0) return after;
    if (!producer) {
      await ensureTopics(deps.kafka, deps.topicPrefix, deps.partitions);
      producer = deps.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: () => noting(Partitioners.DefaultPartitioner()),
      });
    }
    if (!connected) {
      await producer.connect();
      connected = true;
    }
    placed.clear();
    await producer.send({ topic, acks: -1, messages: events.map(toEventMessage) });
    const last = events[events.length - 1]!.position;
    // With the positions each partition got: the projections' low-water marks need them.
    const lists = new Map<number, bigint[]>();
    for (const [position, partition] of [...placed].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const list = lists.get(partition) ?? [...(recent.get(partition) ?? [0n])];
      if (position > list.at(-1)!) list.push(position);
      lists.set(partition, list);
    }
    const keyed = new Map<string, bigint[]>();
    for (const [partition, list] of lists) {
      keyed.set(partitionCheckpoint(name, partition), list.slice(-RECENT));
    }
    const positions = new Map([[name, last]]);
    for (const [key, list] of keyed) positions.set(key, list.at(-1)!);
    await saveCheckpoints(deps.db, positions, keyed);
    for (const [partition, list] of lists) recent.set(partition, list.slice(-RECENT));
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

  /** Takes the lead, or keeps it: false while another relay holds it. */
  async function lead(): Promise<boolean> {
    // A lock whose connection is gone is gone too: take it again, or stand by.
    if (leading && !(await leading.alive())) await resign();
    leading ??= (await holdNamedLock(deps.db, lock)) ?? undefined;
    return leading !== undefined;
  }

  async function resign(): Promise<void> {
    const held = leading;
    leading = undefined;
    await held?.release();
  }

  async function loop() {
    let after: bigint | undefined;
    let backoff = 100;
    while (!abort.signal.aborted) {
      try {
        const wasLeading = leading !== undefined;
        if (!(await lead())) {
          if (!status.standby) log.info({ lock }, 'another relay publishes; standing by');
          status.standby = true;
          // The leader's progress, for the lag this process reports.
          status.position = await readCheckpoint(deps.db, name);
          after = undefined;
          await sleep(standbyMs);
          continue;
        }
        if (status.standby) log.info({ lock }, 'relay took over publishing');
        status.standby = false;
        // Led by another relay until now: go on from where it left off.
        if (!wasLeading) after = undefined;
        if (after === undefined) {
          after = await readCheckpoint(deps.db, name);
          recent = await recentOf(deps.db, name);
        }
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
      await resign();
    },
  };
}

export type Relay = ReturnType<typeof startRelay>;
