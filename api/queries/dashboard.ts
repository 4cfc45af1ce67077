/** What the operator page shows; one JSON answer, polled every second or so. */
export type DashboardSummary = {
  at: string;
  /** A SKU the ledger knows and Redis does not has null counters: it cannot be bought. */
  skus: {
    skuId: string;
    name: string | null;
    stocked: number | null;
    available: number | null;
    reserved: number | null;
    sold: number | null;
  }[];
  /** More SKUs exist than are shown (and audited): the first `limit` by id are. */
  skusCut: boolean;
  /** Reservation outcomes counted by this process since it started (accepted, sold_out, ...). */
  outcomes: Record<string, number>;
  /** Reservations held now, across every process (Redis). */
  pendingReservations: number;
  projections: { name: string; lagMs: number; status: string; deadLetters: number }[];
  /** The last SKU audit round: when it ran, and what did not agree. */
  audit: { at: string | null; discrepancies: { skuId: string; [field: string]: unknown }[] };
};

export type DashboardSources = {
  /** Up to `limit` SKU ids, in id order. */
  skuIds(limit: number): Promise<string[]>;
  sku(skuId: string): Promise<{
    skuId: string;
    name: string;
    stocked: number;
    available: number;
    sold: number;
  } | null>;
  outcomes(): Promise<Record<string, number>>;
  pendingReservations(): Promise<number>;
  projections(): Promise<DashboardSummary['projections']>;
  audit?(skuId: string): Promise<{ discrepancies: unknown[] }>;
  clock?: () => Date;
  /** How long an audit round is reused: a round audits every SKU shown, one after another. */
  auditEveryMs?: number;
  /** How many SKUs are shown and audited. */
  skuLimit?: number;
};

/**
 * The operator's summary. Live numbers (stock, outcomes, pending) are read at each call; an audit
 * round goes through every SKU shown, each audit looking at Redis again for up to a second while
 * it differs from the events, so a round is reused for `auditEveryMs` (10 s) and only one round
 * runs at a time, however many pages poll.
 */
export function makeDashboard(sources: DashboardSources) {
  const clock = sources.clock ?? (() => new Date());
  const auditEveryMs = sources.auditEveryMs ?? 10_000;
  const skuLimit = sources.skuLimit ?? 100;
  let audit: DashboardSummary['audit'] = { at: null, discrepancies: [] };
  let auditing: Promise<void> | undefined;

  async function auditRound(skuIds: string[]) {
    const found: DashboardSummary['audit']['discrepancies'] = [];
    for (const skuId of skuIds) {
      const result = await sources.audit!(skuId);
      for (const d of result.discrepancies) found.push({ skuId, ...(d as object) });
    }
    audit = { at: clock().toISOString(), discrepancies: found };
  }

  return async function summary(): Promise<DashboardSummary> {
    const listed = await sources.skuIds(skuLimit + 1);
    const skuIds = listed.slice(0, skuLimit);
    const due = audit.at === null || clock().getTime() - Date.parse(audit.at) >= auditEveryMs;
    if (sources.audit && due && !auditing) {
      auditing = auditRound(skuIds).finally(() => (auditing = undefined));
      // The first round is waited for, so the page never shows "no audit yet" for long.
      if (audit.at === null) await auditing.catch(() => undefined);
      else auditing.catch(() => undefined);
    }
    const [skus, outcomes, pendingReservations, projections] = await Promise.all([
      Promise.all(skuIds.map((id) => sources.sku(id))),
      sources.outcomes(),
      sources.pendingReservations(),
      sources.projections(),
    ]);
    return {
      at: clock().toISOString(),
      skus: skus.map((sku, i) =>
        sku
          ? {
              skuId: sku.skuId,
              name: sku.name,
              stocked: sku.stocked,
              available: sku.available,
              sold: sku.sold,
              reserved: sku.stocked - sku.available - sku.sold,
            }
          : {
              skuId: skuIds[i]!,
              name: null,
              stocked: null,
              available: null,
              reserved: null,
              sold: null,
            },
      ),
      skusCut: listed.length > skuLimit,
      outcomes,
      pendingReservations,
      projections: projections.map(({ name, lagMs, status, deadLetters }) => ({
        name,
        lagMs,
        status,
        deadLetters,
      })),
      audit,
    };
  };
}

export type Dashboard = ReturnType<typeof makeDashboard>;
