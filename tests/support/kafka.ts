import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim());

export function testKafka(clientId = 'test', brokers = TEST_KAFKA_BROKERS): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/** A topic prefix of this test's own; `drop` deletes its topics and consumer groups. */
export function testTopicPrefix(label: string) {
  const prefix = `t-${label}-${randomBytes(4).toString('hex')}.`;
  return {
    prefix,
    async drop() {
      const admin = testKafka('test-cleanup').admin();
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
    },
  };
}
