export * from './event-store';
export * from './reservation-store';
