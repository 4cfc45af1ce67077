import type { Knex } from 'knex';
import type { EventStore } from '../commands/ports';
import { forEachEvent } from '../commands';
import type { LedgerTotals, StreamEvent } from '../domain/inventory';
import { checkInvariants, type InvariantResult } from '../domain/invariants';
import type { client } from '../infra/local/api-client';
import { readModelsAgainstReplay } from '../infra/local/replay-compare';

export type Verification = {
  results: InvariantResult[];
  audits: { skuId: string; consistent: boolean; discrepancies: unknown[] }[];
};

/**
 * Checks the six invariants of the design (README: Invariants) as an operator could, once the sale is quiet: the event
 * store read directly, the hot counters through `GET /v1/skus/:id`, the ledger through the audit
 * route, and the read models compared with a rebuild started through the admin route.
 */
export async function verifySale(deps: {
  http: ReturnType<typeof client>;
  admin: string;
  db: Knex;
  eventStore: EventStore;
  skuIds: string[];
  say: (line: string) => void;
}): Promise<Verification> {
  const { http, admin } = deps;
  const token = { token: admin };

  deps.say('waiting for the read side to catch up');
  await until(async () => {
    const res = await http.get('/v1/admin/projections', token);
    return (
      res.status === 200 &&
      (res.body as { lagMs: number; status: string }[]).every(
        (p) => p.lagMs === 0 && p.status === 'LIVE',
      )
    );
  }, 120_000);

  deps.say('rebuilding the read models from the event store to compare');
  const readModelDifferences = await readModelsAgainstReplay(http, admin, deps.db);

  const hot = new Map<string, { available: number } | null>();
  const ledgers = new Map<string, LedgerTotals>();
  const audits: Verification['audits'] = [];
  for (const skuId of deps.skuIds) {
    const sku = await http.get(`/v1/skus/${skuId}`, token);
    hot.set(skuId, sku.status === 200 ? { available: sku.body.available } : null);
    const audit = await http.get(`/v1/admin/skus/${skuId}/audit`, token);
    if (audit.status === 200) {
      ledgers.set(skuId, audit.body.totals);
      audits.push({
        skuId,
        consistent: audit.body.consistent,
        discrepancies: audit.body.discrepancies,
      });
    }
  }
  const events: StreamEvent[] = [];
  await forEachEvent(deps.eventStore, (event) => events.push(event));
  const results = checkInvariants({
    events,
    now: new Date(),
    hot,
    ledgers,
    readModelDifferences,
  });
  return { results, audits };
}

async function until(condition: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
