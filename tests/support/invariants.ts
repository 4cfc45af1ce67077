import type { Knex } from 'knex';
import type Redis from 'ioredis';
import { makeInvariantCheck } from '../../commands';
import type { EventStore } from '../../commands/ports';
import type { InvariantResult } from '../../domain/invariants';
import { readLedger } from '../../infra/db';
import { RedisReservationStore } from '../../infra/redis';
import { readModelsAgainstReplay } from '../../infra/local/replay-compare';
import type { client } from './http';
import { caughtUp } from './read-models';

export type Deployment = {
  http: ReturnType<typeof client>;
  admin: string;
  db: Knex;
  store: EventStore;
  redis: Redis;
  prefix: string;
  topicPrefix: string;
  brokers?: string[];
};

/**
 * All six invariants of DESIGN.md, once the sale is quiet: the read side caught up, the live read
 * models compared with a rebuild from the event store (through the admin route), and the event
 * store, Redis and the ledger compared by the checker. Returns every result; `held` is never
 * null here, since every input is given.
 */
export async function checkAllInvariants(
  d: Deployment,
  options: { settleMs?: number; caughtUpMs?: number } = {},
): Promise<InvariantResult[]> {
  await caughtUp(d.db, d.topicPrefix, { brokers: d.brokers, ms: options.caughtUpMs ?? 60_000 });
  const readModelDifferences = await readModelsAgainstReplay(d.http, d.admin, d.db);
  const check = makeInvariantCheck({
    eventStore: d.store,
    reservations: new RedisReservationStore(d.redis, { prefix: d.prefix }),
    ledger: (skuId) => readLedger(d.db, skuId),
    clock: () => new Date(),
  });
  return check({ settleMs: options.settleMs, readModelDifferences });
}

/** The results that did not hold, with their violations: `[]` when all six held. */
export const broken = (results: InvariantResult[]) =>
  results.filter((r) => r.held !== true).map((r) => ({ id: r.id, violations: r.violations }));
