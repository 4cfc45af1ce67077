export * from './reserve';
export * from './release';
export * from './confirm';
export * from './put-sku';
export * from './restock';
export * from './take-token';
export * from './restore';
