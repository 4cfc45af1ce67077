import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../log';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through the service's structured logger. */
export function createKafka(brokers: string[], logger: Logger, clientId = 'flashsale'): Kafka {
  const log = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/**
 * Group membership timing of every consumer here. A process killed without leaving its group is
 * only taken for gone after the session timeout, and until then its partitions wait: with
 * kafkajs's 30 s, a projector restarted after SIGKILL consumed nothing for about half a minute.
 * Batches are small and each ends with a heartbeat (batch-done.ts), so 10 s is ample.
 */
export const CONSUMER_TIMING = { sessionTimeout: 10_000, heartbeatInterval: 1_000 } as const;
