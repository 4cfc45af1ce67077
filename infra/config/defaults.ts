/**
 * Where the services are when their variables are not set (docs/API.md): the local servers. No
 * imports, so the readiness check and the command lines can read them without loading the rest.
 */
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/flashsale';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** REDIS_KEY_PREFIX when not set. */
export const DEFAULT_REDIS_KEY_PREFIX = 'fs';
/** Comma-separated `host:port` list, as KAFKA_BROKERS takes it. */
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
/** EventStoreDB, when EVENT_STORE=esdb. */
export const DEFAULT_EVENTSTORE_CONNECTION_STRING = 'esdb://127.0.0.1:2113?tls=false';
