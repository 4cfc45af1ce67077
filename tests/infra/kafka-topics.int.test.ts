import { createKafka, ensureTopics, topicsFor } from '../../infra/kafka';
import { createLogger } from '../../infra/log';
import { TEST_KAFKA_BROKERS, testKafka, testTopicPrefix } from '../support/kafka';

describe('ensureTopics', () => {
  const topics = testTopicPrefix('ensure');
  afterAll(() => topics.drop());

  it('When the six roles of one process ask for new topics at once, then they are made once and nothing is logged as an error, and a later call makes them again if they went', async () => {
    const lines: { level: string; msg: string }[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const kafka = createKafka(TEST_KAFKA_BROKERS, logger, 'test-ensure');
    await Promise.all(Array.from({ length: 6 }, () => ensureTopics(kafka, topics.prefix)));

    const admin = testKafka('test-ensure-check').admin();
    await admin.connect();
    try {
      const { events, deadLetters } = topicsFor(topics.prefix);
      const made = await admin.fetchTopicMetadata({ topics: [events, deadLetters] });
      expect(made.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        [
          [events, 6],
          [deadLetters, 1],
        ].sort(),
      );
    } finally {
      await admin.disconnect();
    }
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);

    await topics.drop();
    await ensureTopics(kafka, topics.prefix);
    const again = testKafka('test-ensure-again').admin();
    await again.connect();
    try {
      const names = await again.listTopics();
      expect(names).toEqual(expect.arrayContaining(Object.values(topicsFor(topics.prefix))));
    } finally {
      await again.disconnect();
    }
  }, 60_000);
});
