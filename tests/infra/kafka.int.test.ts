import { randomUUID } from 'node:crypto';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

describe('The Kafka broker that infra:up provides', () => {
  const kafka = new Kafka({ clientId: 'test-infra', brokers, logLevel: logLevel.WARN });
  const topic = `test-infra-${randomUUID()}`;
  const groupId = `test-infra-${randomUUID()}`;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    if (admin) {
      try {
        if (consumer) await admin.deleteGroups([groupId]);
        await admin.deleteTopics({ topics: [topic] });
      } finally {
        await admin.disconnect();
      }
    }
  });

  it('When a keyed message with headers is produced to a new topic, then a fresh consumer group reads it back unchanged', async () => {
    const correlationId = randomUUID();
    const value = JSON.stringify({ type: 'OrderPlaced', data: { orderId: 'order-42', qty: 2 } });

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const [sent] = await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: 'order-42',
          value,
          headers: { 'correlation-id': correlationId, 'event-type': 'OrderPlaced' },
        },
      ],
    });
    expect(sent?.errorCode).toBe(0);

    consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = new Promise<KafkaMessage>((resolve) => {
      void consumer?.run({ eachMessage: async ({ message }) => resolve(message) });
    });
    const message = await received;

    expect(message.key?.toString()).toBe('order-42');
    expect(message.value?.toString()).toBe(value);
    expect(String(message.headers?.['correlation-id'])).toBe(correlationId);
    expect(String(message.headers?.['event-type'])).toBe('OrderPlaced');
    expect(message.offset).toBe('0');
  });
});
