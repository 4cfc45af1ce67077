import type { EventStore } from '../../commands/ports';
import { ConcurrencyError } from '../../domain/errors';
import { intercept } from './intercept';
import type { Metrics } from './metrics';

/** The event store, with the latency of every append recorded. */
export function meteredEventStore(store: EventStore, metrics: Metrics): EventStore {
  const append: EventStore['append'] = async (streamId, events, options) => {
    const stop = metrics.appendDuration.startTimer();
    try {
      const result = await store.append(streamId, events, options);
      stop({ result: 'ok' });
      return result;
    } catch (error) {
      stop({ result: error instanceof ConcurrencyError ? 'conflict' : 'error' });
      throw error;
    }
  };
  return intercept(store, 'append', append);
}
