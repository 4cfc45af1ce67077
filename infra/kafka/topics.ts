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
