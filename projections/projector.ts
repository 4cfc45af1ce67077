import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { ensureTopics } from '../infra/kafka/topics';
import { batchDone } from '../infra/kafka/batch-done';
import { CONSUMER_TIMING } from '../infra/kafka/client';
import { superviseConsumer, type SupervisedConsumer } from '../infra/kafka/supervise';
import type { Knex } from 'knex';
import type { RecordedEvent } from '../commands/ports';
import { fromEventMessage, topicsFor } from '../infra/kafka/event-message';
import { correlationIdsOf, type Logger } from '../infra/log';
import { projectionsNamed } from './all';
import { applyEvents, lockName, type DeadLetter } from './apply';
import type { Projection } from './projection';

export type ProjectorDeps = {
  kafka: Kafka;
  db: Knex;
  /** The database name, for the lock a rebuild's swap shares with the live projector. */
  database: string;
  topicPrefix: string;
  logger: Logger;
  projections?: readonly string[];
  /** Tests: runs after a batch's database commit, before its offsets are committed. */
  afterCommit?: (projection: string, events: readonly RecordedEvent[]) => Promise<void>;
};

export const checkpointName = (projection: string) => `projection:${projection}`;
export const groupId = (topicPrefix: string, projection: string) =>
  `${topicPrefix}projector.${projection}`;

/**
 * One Kafka consumer group per read model. Each batch is applied in one database transaction
 * (rows, dead letters, checkpoint), and its offsets are committed only after that commit, so a
 * crash in between redelivers a batch whose rows are already there, which changes nothing.
 * Messages that cannot be projected go to the dead-letter topic; the projector goes on.
 */
export async function startProjectors(deps: ProjectorDeps) {
  const topics = topicsFor(deps.topicPrefix);
  const log = deps.logger.child({ role: 'projector' });
  // The relay may not have made the topics yet: subscribing to a missing topic fails.
  await ensureTopics(deps.kafka, deps.topicPrefix);
  const producer: Producer = deps.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumers: SupervisedConsumer[] = [];
  try {
    for (const projection of projectionsNamed(deps.projections)) {
      consumers.push(await startOne(projection));
    }
  } catch (error) {
    await Promise.all(consumers.map((c) => c.stop()));
    await producer.disconnect();
    throw error;
  }

  function startOne(projection: Projection): Promise<SupervisedConsumer> {
    const plog = log.child({ projection: projection.name });
    const consumer = () =>
      deps.kafka.consumer({
        groupId: groupId(deps.topicPrefix, projection.name),
        maxWaitTimeInMs: 50,
        retry: { retries: 10 },
        ...CONSUMER_TIMING,
      });
    return superviseConsumer(consumer, (c) => run(c, projection, plog), plog);
  }

  async function run(consumer: Consumer, projection: Projection, plog: Logger): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic: topics.events, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const events: RecordedEvent[] = [];
        const unreadable: DeadLetter[] = [];
        for (const message of batch.messages) {
          try {
            events.push(fromEventMessage(message.value));
          } catch (error) {
            unreadable.push({
              event: null,
              error: (error as Error).message,
              raw: message.value?.toString() ?? '',
            });
          }
        }
        const started = Date.now();
        const dead = await applyEvents(
          deps.db,
          projection,
          events,
          {
            checkpoint: checkpointName(projection.name),
            partition: batch.partition,
            lock: lockName(deps.database, projection.name),
          },
          unreadable,
        );
        if (dead.length > 0) {
          plog.warn({ count: dead.length }, 'events could not be projected: dead-lettered');
          await producer.send({
            topic: topics.deadLetters,
            messages: dead.map((d) => ({
              key: d.event?.streamId ?? null,
              value: d.raw ?? (d.event ? JSON.stringify(d.event, bigintJson) : null),
              headers: { projection: projection.name, error: d.error.slice(0, 1000) },
            })),
          });
        }
        const applied = Date.now();
        await deps.afterCommit?.(projection.name, events);
        await batchDone(consumer, batch, resolveOffset, heartbeat);
        const oldest = events.reduce((min, e) => Math.min(min, e.recordedAt.getTime()), Infinity);
        // One line per batch, naming the requests behind it: grep <requestId> finds it.
        plog.info(
          {
            partition: batch.partition,
            size: batch.messages.length,
            applyMs: applied - started,
            commitMs: Date.now() - applied,
            oldestAgeMs: Number.isFinite(oldest) ? started - oldest : null,
            correlationIds: correlationIdsOf(events),
          },
          'batch projected',
        );
      },
    });
  }

  return {
    async stop(): Promise<void> {
      await Promise.all(consumers.map((c) => c.stop()));
      await producer.disconnect();
    },
  };
}

export type Projectors = Awaited<ReturnType<typeof startProjectors>>;

const bigintJson = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;
