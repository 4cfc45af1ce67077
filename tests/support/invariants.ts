import type { Knex } from 'knex';
import type Redis from 'ioredis';
import { makeInvariantCheck } from '../../commands';
import type { EventStore } from '../../commands/ports';
import type { InvariantResult } from '../../domain/invariants';
import { readLedger } from '../../infra/db';
import { RedisReservationStore } from '../../infra/redis';
import { readModelSnapshot, snapshotDifferences } from '../../projections';
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
  const live = await readModelSnapshot(d.db);
  const started = await d.http.post('/v1/admin/projections/rebuild', {}, { token: d.admin });
  if (started.status !== 202) throw new Error(`rebuild refused: ${started.status}`);
  for (;;) {
    const job = await d.http.get(`/v1/admin/projections/jobs/${started.body.jobId}`, {
      token: d.admin,
    });
    if (job.body.status === 'FAILED') throw new Error(`rebuild failed: ${job.body.error}`);
    if (job.body.status === 'SUCCEEDED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const readModelDifferences = snapshotDifferences(live, await readModelSnapshot(d.db));
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
