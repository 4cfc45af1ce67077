export * from './client';
export * from './event-message';
export * from './topics';
export * from './batch-done';
export * from './supervise';
