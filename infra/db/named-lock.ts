import type { Knex } from 'knex';

/** A MySQL named lock held on a pooled connection of its own (see holdNamedLock). */
export type HeldLock = {
  /** The MySQL connection that holds the lock (CONNECTION_ID(); see lockHolder). */
  connectionId: string;
  /** Whether the connection, and so the lock, is still there. */
  alive(): Promise<boolean>;
  /** Gives the lock and its connection back; safe to call on a connection already gone. */
  release(): Promise<void>;
};

/** MySQL's named locks are at most 64 characters long. */
const lockName = (name: string) => name.slice(0, 64);

/** The connection that holds the named lock (IS_USED_LOCK), as a string; null when none does. */
export async function lockHolder(db: Knex, name: string): Promise<string | null> {
  const [[{ holder }]] = (await db.raw('SELECT IS_USED_LOCK(?) AS holder', [lockName(name)])) as [
    [{ holder: number | string | null }],
  ];
  return holder === null ? null : String(holder);
}

/**
 * Takes a MySQL named lock (GET_LOCK, waiting up to `waitSeconds`) on a connection taken from the
 * pool for as long as it is held: the lock belongs to that connection, so a process that dies
 * gives it back with its connection. Null when another connection holds it. Names are cut to
 * MySQL's 64 characters.
 */
export async function holdNamedLock(
  db: Knex,
  name: string,
  waitSeconds = 0,
): Promise<HeldLock | null> {
  const lock = lockName(name);
  const connection: unknown = await db.client.acquireConnection();
  let got: number | null | undefined;
  let id: number | string | undefined;
  try {
    [[{ got, id }]] = (await db
      .raw('SELECT GET_LOCK(?, ?) AS got, CONNECTION_ID() AS id', [lock, waitSeconds])
      .connection(connection)) as [[{ got: number | null; id: number | string }]];
  } catch (error) {
    await db.client.releaseConnection(connection);
    throw error;
  }
  if (got !== 1) {
    await db.client.releaseConnection(connection);
    return null;
  }
  return {
    connectionId: String(id),
    alive: () =>
      db
        .raw('SELECT 1')
        .connection(connection)
        .then(
          () => true,
          () => false,
        ),
    async release() {
      await db
        .raw('SELECT RELEASE_LOCK(?)', [lock])
        .connection(connection)
        .catch(() => undefined);
      await db.client.releaseConnection(connection).catch(() => undefined);
    },
  };
}
