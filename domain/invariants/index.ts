export * from './check-invariants';
