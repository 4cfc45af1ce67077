import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { dropTopics } from '../../infra/kafka';

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
    drop: () => dropTopics(testKafka('test-cleanup'), prefix),
  };
}
