export * from './hot-inventory';
export * from './reconcile';
