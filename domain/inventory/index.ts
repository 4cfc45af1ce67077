export * from './hot-inventory';
export * from './reconcile';
export * from './sku-accounts';
export * from './ledger-lines';
export * from './line-checksum';
