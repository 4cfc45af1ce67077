import type { Consumer } from 'kafkajs';
import type { Logger } from '../log';

export type SupervisedConsumer = { stop(): Promise<void> };

/**
 * Runs a consumer and starts a new one whenever kafkajs gives one up. kafkajs restarts a crashed
 * consumer itself only when the error is retriable; after any other (a TypeError, which its
 * retrier calls unrecoverable, raised inside kafkajs while a broker comes back, or thrown by a
 * handler) it leaves the consumer disconnected for good, and a read model or the saga's timers
 * would stop following the events without a sound. Offsets are committed only after each batch
 * is written, so the new consumer takes up where the old one's last commit left it.
 *
 * `setup` connects, subscribes and runs the consumer it is given; the crash listener is on it
 * before `run`, which can crash before it returns.
 */
export async function superviseConsumer(
  create: () => Consumer,
  setup: (consumer: Consumer) => Promise<void>,
  log: Logger,
  options: { firstBackoffMs?: number; maxBackoffMs?: number } = {},
): Promise<SupervisedConsumer> {
  const firstBackoffMs = options.firstBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let stopped = false;
  let current: Consumer | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function launch(): Promise<Consumer> {
    const consumer = create();
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && consumer === current) replaceLater(consumer, 0);
    });
    current = consumer;
    try {
      await setup(consumer);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return consumer;
  }

  function replaceLater(dead: Consumer, attempt: number): void {
    if (stopped) return;
    const delay = Math.min(firstBackoffMs * 2 ** attempt, maxBackoffMs);
    timer = setTimeout(() => {
      timer = undefined;
      void (async () => {
        await dead.disconnect().catch(() => undefined);
        if (stopped) return;
        try {
          const next = await launch();
          log.warn('consumer started again after a crash kafkajs does not restart');
          // Stopped while it started: it goes at once.
          if (stopped) await next.disconnect();
        } catch (error) {
          log.warn({ err: error }, 'consumer could not start again yet; retrying');
          replaceLater(dead, attempt + 1);
        }
      })();
    }, delay);
    timer.unref();
  }

  await launch();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.disconnect();
    },
  };
}
