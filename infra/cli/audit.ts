/**
 * npm run audit -- order <orderId>   the order's full history with who and what caused each event
 * npm run audit -- sku <skuId>       the SKU's ledger reconciled with Redis and the event store
 * Reads MYSQL_URL, REDIS_URL, REDIS_KEY_PREFIX, EVENT_STORE and EVENTSTORE_CONNECTION_STRING
 * like the service. Exit code 1 when a SKU is not consistent (or the thing asked for does not
 * exist), so scripts can act on it.
 */
import Redis from 'ioredis';
import { LINE_AFTER_LAST_EVENT, makeSkuAudit } from '../../commands/audit-sku';
import { readLedgerMark } from '../../projections';
import { foldOrder, type OrderEvent } from '../../domain/order';
import { orderStreamId } from '../../domain/order/events';
import { DEFAULT_MYSQL_URL, DEFAULT_REDIS_KEY_PREFIX, DEFAULT_REDIS_URL } from '../config/defaults';
import { connectMysql, ledgerReader, parseMysqlUrl, readLedger, requireDatabase } from '../db';
import { openEventStore } from '../eventstore';
import { RedisReservationStore } from '../redis';
import { commandLine, UsageError } from './args';
import { eventStoreChoice } from './event-store-choice';
import { table } from './table';

const out = (text: string) => process.stdout.write(`${text}\n`);

function summary(data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  const skip = new Set(['orderId']);
  return Object.entries(d)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

const USAGE = `usage: npm run audit -- order <orderId> | sku <skuId>
reads MYSQL_URL, REDIS_URL, REDIS_KEY_PREFIX and the event store EVENT_STORE names (mysql, the
default, or esdb at EVENTSTORE_CONNECTION_STRING)`;

const [what, id, store] = commandLine(USAGE, (argv) => {
  // It takes no flags (--help aside): name the one given rather than ask what to audit.
  const flag = argv.find((arg) => arg.startsWith('--'));
  if (flag) throw new UsageError(`Unknown option '${flag}'`);
  const [kind, name, ...rest] = argv;
  if (kind !== 'order' && kind !== 'sku') throw new UsageError('audit what: order or sku?');
  if (!name || rest.length > 0) throw new UsageError(`audit ${kind} takes one id`);
  return [kind, name, eventStoreChoice()] as const;
});

async function main() {
  const target = parseMysqlUrl(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  await requireDatabase(target);
  const db = connectMysql(target, { pool: { min: 0, max: 4 } });
  const eventStore = openEventStore(store, db);
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Reported once, by the call that fails (below), not as ioredis's unhandled error event.
  redis.on('error', () => undefined);
  try {
    if (what === 'order') {
      const events = await eventStore.readStream(orderStreamId(id));
      // Worded and reported as a missing SKU is: "audit failed: no order X", exit code 1.
      if (events.length === 0) throw new Error(`no order ${id}`);
      out(`order ${id}: ${events.length} events\n`);
      out(
        table(
          ['rev', 'position', 'type', 'recorded at', 'correlation', 'causation', 'user', 'data'],
          events.map((e) => [
            String(e.revision),
            String(e.position),
            e.type,
            e.recordedAt.toISOString(),
            e.metadata.correlationId ?? null,
            e.metadata.causationId ?? null,
            e.metadata.userId ?? null,
            summary(e.data),
          ]),
        ),
      );
      // Where the events leave it, as the service folds them.
      const state = foldOrder(events as unknown as OrderEvent[]);
      if (state.status !== 'NONE') {
        const items = state.items.map((l) => `${l.quantity} x ${l.skuId}`).join(', ');
        out(`\nnow ${state.status}: ${items}, total ${state.total} ${state.currency}`);
        for (const p of Object.values(state.payments)) {
          const refunds = p.refunds?.length ? `, refunded ${p.refunds.join(' ')}` : '';
          out(`payment ${p.paymentId}: ${p.status} ${p.amount} ${p.currency}${refunds}`);
        }
      }
      return;
    }
    await redis.connect().catch((error: Error) => {
      throw new Error(
        `Redis at ${new URL(redisUrl).host} (REDIS_URL) did not answer: ${error.message}`,
      );
    });
    const prefix = process.env.REDIS_KEY_PREFIX || DEFAULT_REDIS_KEY_PREFIX;
    const reservations = new RedisReservationStore(redis, { prefix });
    const audit = await makeSkuAudit({
      eventStore,
      reservations,
      ledger: ledgerReader(db),
      ledgerThrough: () => readLedgerMark(db),
    })(id, { lines: false });
    const es = audit.eventStore;
    const hot = audit.redis;
    out(`SKU ${id}: ${audit.consistent ? 'consistent' : 'NOT CONSISTENT'}`);
    const { asOf } = audit;
    out(
      `read from Redis ${new URL(redisUrl).host} (key prefix ${prefix}) and MySQL ${target.database}`,
    );
    out(`event store at position ${asOf.eventStore}`);
    out(
      asOf.ledger === asOf.eventStore
        ? `ledger compared through the same position: it has applied every event\n`
        : `ledger compared through position ${asOf.ledger}, the last its projector has applied ` +
            `every event up to: it is behind, and its ${asOf.ledgerLinesNotCompared} later lines ` +
            `are not compared yet\n`,
    );
    out(
      table(
        ['account', 'stocked', 'reserved (pending)', 'sold', 'available'],
        [
          [
            'event store (truth)',
            es?.stocked ?? null,
            es?.reserved ?? null,
            es?.sold ?? null,
            es?.available ?? null,
          ],
          [
            'ledger (inventory_audit)',
            audit.totals.stocked,
            audit.totals.reserved - audit.totals.released - audit.totals.sold,
            audit.totals.sold,
            audit.totals.stocked - audit.totals.reserved + audit.totals.released,
          ],
          [
            'hot counter (Redis)',
            hot?.stocked ?? null,
            hot ? hot.stocked - hot.available - hot.sold : null,
            hot?.sold ?? null,
            hot?.available ?? null,
          ],
        ],
      ),
    );
    if (audit.discrepancies.length > 0) {
      out('\ndiscrepancies:');
      out(
        table(
          ['check', 'source', 'expected', 'actual', 'difference'],
          audit.discrepancies.map((d) => [
            d.check,
            d.source,
            d.expected,
            d.actual,
            // That check's figures are positions (the store's last event, the line's).
            d.check === LINE_AFTER_LAST_EVENT ? '' : d.actual - d.expected,
          ]),
        ),
      );
      process.exitCode = 1;
    }
    if (audit.lineDifferences) {
      const named = audit.lineDifferences.length;
      out(
        `\nledger lines that differ from the events through position ${asOf.ledger}` +
          ((audit.lineDifferencesTotal ?? named) > named
            ? ` (the first ${named} of ${audit.lineDifferencesTotal}):`
            : ':'),
      );
      out(
        table(
          ['position', 'reason', 'ref', 'events call for', 'ledger has'],
          audit.lineDifferences.map((d) => [
            d.position,
            d.reason,
            d.refId,
            d.expected ?? 'no line',
            d.actual ?? 'no line',
          ]),
        ),
      );
    }
    const shown = await readLedger(db, id, { last: 30 });
    out(
      `\nledger: ${audit.ledgerLines} lines${audit.ledgerLines > shown.length ? ' (the last 30)' : ''}`,
    );
    out(
      table(
        ['position', 'at', 'reason', 'delta', 'ref'],
        shown.map((l) => [l.position, l.at, l.reason, l.delta, l.refId]),
      ),
    );
  } finally {
    redis.disconnect();
    await eventStore.close();
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`audit failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
