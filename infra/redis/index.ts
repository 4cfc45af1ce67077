export * from './client';
export * from './keys';
export * from './reservation-store';
export * from './rate-limiter';
export * from './drop-prefix';
export * from './script-pipe';
export * from './eviction';
