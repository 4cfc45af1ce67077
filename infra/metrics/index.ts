export * from './metrics';
export * from './collectors';
export * from './metered-event-store';
export * from './metered-reservations';
