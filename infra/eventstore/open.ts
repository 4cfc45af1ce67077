import type { Knex } from 'knex';
import type { EventStore } from '../../commands/ports';
import type { EventStoreChoice } from '../config/config';
import { EsdbEventStore } from './esdb-event-store';
import { MysqlEventStore, type MysqlEventStoreOptions } from './mysql-event-store';

/**
 * The event store EVENT_STORE names: the service and the command lines (replay, audit) open it
 * here, so a deployment on EventStoreDB never has a tool reading the empty MySQL tables instead.
 */
export function openEventStore(
  choice: EventStoreChoice,
  db: Knex,
  mysqlOptions?: MysqlEventStoreOptions,
): EventStore {
  return choice.kind === 'mysql'
    ? new MysqlEventStore(db, mysqlOptions)
    : new EsdbEventStore(choice.connectionString);
}
