import { UnavailableError } from '../domain/errors';

/**
 * A Redis call a catalog command makes before it records anything: its failure is a 503 that
 * changed nothing, so the client may send the command again.
 */
export function beforeAppend<T>(call: Promise<T>, skuId: string): Promise<T> {
  return call.catch((error: unknown) => {
    throw new UnavailableError('Redis does not answer; nothing was recorded', {
      skuId,
      cause: (error as Error).message,
    });
  });
}
