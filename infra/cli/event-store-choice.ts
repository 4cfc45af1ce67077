import { ConfigError, eventStoreFromEnv, type EventStoreChoice } from '../config/config';
import { UsageError } from './args';

/**
 * EVENT_STORE and EVENTSTORE_CONNECTION_STRING as the service reads them; a bad value ends the
 * program like a bad flag (one line naming the variable, exit code 2), before any data is read.
 */
export function eventStoreChoice(env = process.env): EventStoreChoice {
  try {
    return eventStoreFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
