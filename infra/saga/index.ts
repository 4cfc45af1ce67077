export * from './saga';
export * from './every';
