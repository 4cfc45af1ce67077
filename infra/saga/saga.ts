import type { Consumer, Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import { SYSTEM_ACTORS, type CommandContext } from '../../commands/context';
import { timerChange } from '../../commands/saga/timers';
import { retryDeadlocks } from '../db/retry-deadlocks';
import { sqlTime } from '../db/sql-time';
import {
  batchDone,
  CONSUMER_TIMING,
  ensureTopics,
  fromEventMessage,
  superviseConsumer,
  topicsFor,
} from '../kafka';
import type { Logger } from '../log';

type Timer = { order_id: string; correlation_id: string | null; placed_event_id: string | null };

export type SagaDeps = {
  kafka: Kafka;
  db: Knex;
  topicPrefix: string;
  logger: Logger;
  clock: () => Date;
  expireOrder(orderId: string, context: CommandContext): Promise<{ status: string }>;
  /** How often due timers are looked for. */
  tickMs?: number;
  /** Called with how many timers a round fired (metrics). */
  onFired?: (count: number) => void;
  batch?: number;
};

/**
 * The process manager of reservation timeouts. It keeps a durable timer per pending order in
 * `saga_timers` (fed from Kafka: at-least-once, and every write is idempotent), and fires the due
 * ones: `SELECT ... FOR UPDATE SKIP LOCKED` gives each due timer to exactly one saga process, and
 * ExpireOrder is itself safe to repeat, so a crash mid-way only fires a timer again, to no effect.
 */
export async function startSaga(deps: SagaDeps) {
  const log = deps.logger.child({ role: 'saga' });
  const tickMs = deps.tickMs ?? 200;
  const limit = deps.batch ?? 200;
  await ensureTopics(deps.kafka, deps.topicPrefix);
  const create = () =>
    deps.kafka.consumer({
      groupId: `${deps.topicPrefix}saga`,
      maxWaitTimeInMs: 50,
      ...CONSUMER_TIMING,
    });
  const feed = await superviseConsumer(create, (c) => followTimers(c), log);

  /** Keeps `saga_timers` in step with the events: a timer per placed order, ended when it ends. */
  async function followTimers(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic: topicsFor(deps.topicPrefix).events, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const starts: [string, string, string, string | null, string][] = [];
        const ends: string[] = [];
        const correlationIds = new Set<string>();
        for (const message of batch.messages) {
          let change;
          try {
            const event = fromEventMessage(message.value);
            change = timerChange(event);
            const { correlationId } = event.metadata;
            if (change && typeof correlationId === 'string') correlationIds.add(correlationId);
          } catch (error) {
            log.warn({ err: error, offset: message.offset }, 'unreadable message skipped');
            continue;
          }
          if (change?.kind === 'start') {
            starts.push([
              change.orderId,
              sqlTime(new Date(change.expiresAt)),
              change.position.toString(),
              change.correlationId,
              change.placedEventId,
            ]);
          } else if (change?.kind === 'end') {
            ends.push(change.orderId);
          }
        }
        // Two statements a batch, not one a message; the firing loop locks the same rows, so a
        // deadlock (one side rolled back whole) is simply run again.
        await retryDeadlocks(() =>
          deps.db.transaction(async (trx) => {
            if (starts.length > 0) {
              await trx.raw(
                `INSERT IGNORE INTO saga_timers
                 (order_id, expires_at, status, position, fired_at, correlation_id, placed_event_id)
               VALUES ${starts.map(() => "(?, ?, 'PENDING', ?, NULL, ?, ?)").join(', ')}`,
                starts.flat(),
              );
            }
            if (ends.length > 0) {
              await trx('saga_timers')
                .whereIn('order_id', [...new Set(ends)].sort())
                .andWhere({ status: 'PENDING' })
                .update({ status: 'DONE' });
            }
          }),
        );
        await batchDone(consumer, batch, resolveOffset, heartbeat);
        // One line per batch, naming the requests behind it: grep <requestId> finds the saga too.
        if (starts.length + ends.length > 0) {
          log.info(
            { started: starts.length, ended: ends.length, correlationIds: [...correlationIds] },
            'timers updated',
          );
        }
      },
    });
  }

  let stopped = false;
  let wake: () => void = () => undefined;
  let fired = 0;

  async function fireDue(): Promise<number> {
    const now = deps.clock();
    return retryDeadlocks(() =>
      deps.db.transaction(async (trx) => {
        const [rows] = (await trx.raw(
          `SELECT order_id, correlation_id, placed_event_id FROM saga_timers
           WHERE status = 'PENDING' AND expires_at <= ?
           ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED`,
          [sqlTime(now), limit],
        )) as [Timer[]];
        const ended: string[] = [];
        const correlationIds = new Set<string>();
        await Promise.all(
          rows.map(async ({ order_id: orderId, correlation_id, placed_event_id }) => {
            // The expiry belongs to the request that placed the order, and was caused by its event.
            const context = {
              correlationId: correlation_id ?? `saga-${orderId}`,
              causationId: placed_event_id ?? `timer-${orderId}`,
              userId: SYSTEM_ACTORS.saga,
            };
            correlationIds.add(context.correlationId);
            const result = await deps.expireOrder(orderId, context);
            // Still PENDING: not due by the decider's clock yet; the timer stays.
            if (result.status !== 'PENDING') ended.push(orderId);
          }),
        );
        if (ended.length > 0) {
          await trx('saga_timers')
            .whereIn('order_id', ended)
            .update({ status: 'FIRED', fired_at: sqlTime(deps.clock()) });
        }
        fired += ended.length;
        if (ended.length > 0) {
          log.info(
            { fired: ended.length, orderIds: ended, correlationIds: [...correlationIds] },
            'timers fired: orders expired',
          );
          deps.onFired?.(ended.length);
        }
        return rows.length;
      }),
    );
  }

  const loop = (async () => {
    while (!stopped) {
      let found = 0;
      try {
        found = await fireDue();
      } catch (error) {
        log.warn({ err: error }, 'firing due timers failed; retrying');
      }
      if (found < limit && !stopped) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, tickMs).unref();
        });
      }
    }
  })();
  log.info('saga started');

  return {
    fired: () => fired,
    async stop(): Promise<void> {
      stopped = true;
      wake();
      await loop;
      await feed.stop();
    },
  };
}
