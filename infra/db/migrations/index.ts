import type { Knex } from 'knex';
import * as eventStore from './001-event-store';
import * as readModels from './002-read-models';
import * as processState from './003-process-state';
import * as projectionSupport from './004-projection-support';
import * as timerCorrelation from './005-timer-correlation';
import * as orderViewParts from './006-order-view-parts';
import * as jobLockHolder from './007-job-lock-holder';
import * as partitionRecent from './008-partition-recent';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

/**
 * Migrations are imported, not discovered on disk, so they run the same under tsx, jest and the
 * compiled build. Append new ones at the end; never edit or remove one that has shipped.
 */
const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['001-event-store', eventStore],
  ['002-read-models', readModels],
  ['003-process-state', processState],
  ['004-projection-support', projectionSupport],
  ['005-timer-correlation', timerCorrelation],
  ['006-order-view-parts', orderViewParts],
  ['007-job-lock-holder', jobLockHolder],
  ['008-partition-recent', partitionRecent],
];

export const migrationSource: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: async () => [...migrations],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
