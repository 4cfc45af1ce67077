export * from './saga';
export * from './every';
export * from './count';
