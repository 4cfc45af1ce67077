import { Partitioners, type Consumer } from 'kafkajs';
import { ensureTopics, superviseConsumer, topicsFor } from '../../infra/kafka';
import { createLogger } from '../../infra/log';
import { testKafka, testTopicPrefix } from '../support/kafka';
import { until } from '../support/wait';

/**
 * kafkajs restarts a crashed consumer only when the error is retriable: a TypeError (which its
 * retrier calls unrecoverable) leaves the consumer disconnected for good. The supervisor starts
 * a new one, which takes up from the last committed offset.
 */
describe('a supervised consumer', () => {
  const topics = testTopicPrefix('supervise');
  const kafka = testKafka('test-supervise');
  const logger = createLogger({ level: 'silent' });

  afterAll(() => topics.drop());

  it('When kafkajs gives a crashed consumer up, then a new one is started and every message is still handled', async () => {
    await ensureTopics(kafka, topics.prefix, 1);
    const topic = topicsFor(topics.prefix).events;
    const crashes: boolean[] = [];
    const handled: string[] = [];
    let created = 0;
    let failuresLeft = 1;

    const create = () => {
      created += 1;
      const consumer = kafka.consumer({ groupId: `${topics.prefix}group`, maxWaitTimeInMs: 50 });
      consumer.on(consumer.events.CRASH, ({ payload }) => crashes.push(payload.restart));
      return consumer;
    };
    const setup = async (consumer: Consumer) => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            // What kafkajs takes for a bug: no retry, no restart.
            throw new TypeError('a handler that fails once');
          }
          handled.push(message.value!.toString());
        },
      });
    };
    const supervised = await superviseConsumer(create, setup, logger, { firstBackoffMs: 100 });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({
        topic,
        messages: ['one', 'two', 'three'].map((value) => ({ key: value, value })),
      });
      await until(() => handled.length >= 3, 60_000);
      expect(crashes).toEqual([false]);
      expect(created).toBe(2);
      expect(handled).toEqual(['one', 'two', 'three']);
    } finally {
      await producer.disconnect();
      await supervised.stop();
    }
  }, 90_000);
});
