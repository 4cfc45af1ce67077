export * from './connect';
export * from './migrate';
export * from './order-views';
export * from './checkpoints';
export * from './ledger';
export * from './sql-time';
export * from './retry-deadlocks';
export * from './sku-ids';
