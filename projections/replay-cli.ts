/**
 * npm run replay [-- --projection NAME ...]: rebuilds the read models of MYSQL_URL from the
 * event store EVENT_STORE names (MySQL's, by default, or EventStoreDB at
 * EVENTSTORE_CONNECTION_STRING) into fresh tables and swaps them in, with a progress bar on stderr.
 * Live projectors may keep running: the swap takes their lock.
 */
import { commandLine, oneOf, parseFlags } from '../infra/cli/args';
import { eventStoreChoice } from '../infra/cli/event-store-choice';
import { DEFAULT_MYSQL_URL } from '../infra/config/defaults';
import { connectMysql, migrateDatabase, parseMysqlUrl, requireDatabase } from '../infra/db';
import { openEventStore } from '../infra/eventstore';
import { createLogger } from '../infra/log';
import { PROJECTION_NAMES } from './all';
import { createRebuilder, type Progress } from './rebuild';

function bar({ processed, total }: Progress, started: number): string {
  const width = 30;
  const ratio = total === 0 ? 1 : Math.min(1, processed / total);
  const filled = Math.round(ratio * width);
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(processed / seconds) : 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(1).padStart(5)}% ` +
    `${processed.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events, ` +
    `${rate.toLocaleString('en-US')} events/s`
  );
}

const USAGE = `npm run replay [-- --projection NAME ...]
  --projection NAME   a read model to rebuild (repeatable; default all of them)
projections: ${PROJECTION_NAMES.join(', ')}
reads the event store EVENT_STORE names (mysql, the default, or esdb at
EVENTSTORE_CONNECTION_STRING) and writes the read models of MYSQL_URL`;

const { projections, store } = commandLine(USAGE, (argv) => {
  const names = parseFlags(argv, { projection: { type: 'string', multiple: true } }).projection;
  return {
    // Named twice is asked once.
    projections: names && [
      ...new Set(names.map((name) => oneOf('projection', name, PROJECTION_NAMES))),
    ],
    store: eventStoreChoice(),
  };
});

async function main() {
  const target = parseMysqlUrl(process.env.MYSQL_URL || DEFAULT_MYSQL_URL);
  // A mistyped name is an error, not a new empty database "rebuilt from 0 events".
  await requireDatabase(target);
  await migrateDatabase(target);
  const db = connectMysql(target, { pool: { min: 0, max: 6 } });
  const eventStore = openEventStore(store, db);
  const logger = createLogger({ level: 'warn' });
  const started = Date.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  // Ctrl-C mid-way: the live read models were never touched (the swap is one RENAME at the end).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(
        `\nreplay interrupted: the live read models are unchanged; the partial copies ` +
          `(*__next) are dropped by the next replay\n`,
      );
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    const rebuilder = createRebuilder({ eventStore, db, database: target.database, logger });
    let final: Progress = { processed: 0, total: 0 };
    let shown: Progress | undefined;
    await rebuilder.run(projections, (progress) => {
      final = progress;
      if (Date.now() - last < (tty ? 100 : 2_000)) return;
      last = Date.now();
      shown = progress;
      process.stderr.write(tty ? `\r${bar(progress, started)}` : `${bar(progress, started)}\n`);
    });
    // The end, unless the last line shown already says it (one line per reading off a terminal).
    if (tty || shown?.processed !== final.processed || shown.total !== final.total) {
      process.stderr.write(`${tty ? '\r' : ''}${bar(final, started)}\n`);
    }
    const names = projections ?? PROJECTION_NAMES;
    process.stdout.write(
      `rebuilt ${names.join(', ')} from ${final.processed.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await eventStore.close();
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`\nreplay failed: ${(error as Error).message}\n`);
  process.exit(1);
});
