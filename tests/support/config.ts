import { loadConfig, type Config } from '../../infra/config';

/** A configuration for tests: the machine's services, with what the test says on top. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    MYSQL_URL: process.env.MYSQL_URL,
    REDIS_URL: process.env.REDIS_URL,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    ...overrides,
  };
  return loadConfig(env);
}
