import type { Kafka } from 'kafkajs';
import { topicsFor } from './event-message';

/**
 * Creates the events topic and its dead-letter topic when missing. The events topic has enough
 * partitions for several projector and saga instances per consumer group.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, partitions = 6): Promise<void> {
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
