export * from './mysql-event-store';
export * from './esdb-event-store';
export * from './open';
