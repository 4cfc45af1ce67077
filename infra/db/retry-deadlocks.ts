import { isRetryableTxError } from '../eventstore/mysql-errors';

/**
 * Runs a transaction again when InnoDB chose it as a deadlock victim (or its lock wait timed out):
 * the whole transaction was rolled back, so running it again is safe.
 */
export async function retryDeadlocks<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!isRetryableTxError(error) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
