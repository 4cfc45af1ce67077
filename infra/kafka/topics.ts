import type { Kafka } from 'kafkajs';
import { topicsFor } from './event-message';

const inFlight = new WeakMap<Kafka, Map<string, Promise<void>>>();

/**
 * Creates the events topic and its dead-letter topic when missing. The events topic has enough
 * partitions for several projector and saga instances per consumer group. Calls that overlap
 * share one check: the relay, the four projectors and the saga of one process all ask at start,
 * and concurrent creations of one topic make the broker answer TOPIC_ALREADY_EXISTS, which
 * kafkajs handles but logs as an error. A later call checks again (a broker may have lost them).
 */
export function ensureTopics(kafka: Kafka, prefix: string, partitions = 6): Promise<void> {
  const calls = inFlight.get(kafka) ?? new Map<string, Promise<void>>();
  inFlight.set(kafka, calls);
  const key = `${prefix}\u0000${partitions}`;
  const running = calls.get(key);
  if (running) return running;
  const done = createMissingTopics(kafka, prefix, partitions).finally(() => calls.delete(key));
  calls.set(key, done);
  return done;
}

async function createMissingTopics(kafka: Kafka, prefix: string, partitions: number) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = topicsFor(prefix);
    const existing = new Set(await admin.listTopics());
    const missing = [
      { topic: topics.events, numPartitions: partitions },
      { topic: topics.deadLetters, numPartitions: 1 },
    ].filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({ ...t, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes a deployment's topics and consumer groups: every name that starts with `prefix`. */
export async function dropTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
