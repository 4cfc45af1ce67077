import type { Knex } from 'knex';
import { isConnectionError } from './mysql-errors';

type DriverConnection = {
  query(
    options: { sql: string; values: unknown[] },
    callback: (error: Error | null, results: unknown) => void,
  ): void;
  destroy(): void;
};

export type Query = (sql: string, values?: unknown[]) => Promise<unknown>;

/** A connection taken from the pool: its query function, and whether it broke. */
export type Session = { query: Query; isBroken(): boolean };

/**
 * One pooled connection for the length of `work`, queried directly through the driver: several
 * statements can travel in one round trip (the pool enables multipleStatements; every value is
 * still a bound parameter, never text pasted into SQL). A connection that broke is destroyed,
 * not returned to the pool. An error in taking the connection is thrown before `work` runs.
 */
export async function withSession<T>(db: Knex, work: (session: Session) => Promise<T>): Promise<T> {
  const connection = (await db.client.acquireConnection()) as DriverConnection;
  let broken = false;
  const query: Query = (sql, values = []) =>
    new Promise((resolve, reject) => {
      connection.query({ sql, values }, (error, results) => {
        if (!error) return resolve(results);
        if (isConnectionError(error)) broken = true;
        reject(error);
      });
    });
  try {
    return await work({ query, isBroken: () => broken });
  } finally {
    if (broken) connection.destroy();
    await db.client.releaseConnection(connection);
  }
}
