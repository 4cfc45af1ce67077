import type { Knex } from 'knex';
import type { EventStore } from '../commands/ports';
import { PROJECTIONS } from './all';
import { checkpointName } from './projector';
import { readWatermarks } from './watermark';

export type ProjectionStatus = {
  name: string;
  /** The global position through which every event is applied (a low-water mark), as a decimal string. */
  position: string;
  /** How long the oldest event not yet applied has been waiting; 0 when caught up. */
  lagMs: number;
  status: 'LIVE' | 'LAGGING' | 'REBUILDING';
  deadLetters: number;
};

const LAGGING_AFTER_MS = 5_000;

export async function projectionStatuses(deps: {
  db: Knex;
  eventStore: EventStore;
  rebuilding: () => Promise<string[]>;
  now?: () => Date;
}): Promise<ProjectionStatus[]> {
  const now = (deps.now ?? (() => new Date()))();
  const [marks, [dead], rebuilding] = await Promise.all([
    readWatermarks(
      deps.db,
      PROJECTIONS.map((p) => checkpointName(p.name)),
    ),
    deps.db.raw(
      'SELECT projection, COUNT(*) AS n FROM dead_letters GROUP BY projection',
    ) as unknown as Promise<[{ projection: string; n: number | string }[]]>,
    // From the job table: a rebuild run by another process shows here too.
    deps.rebuilding().then((names) => new Set(names)),
  ]);
  return Promise.all(
    PROJECTIONS.map(async ({ name }) => {
      const position = marks.get(checkpointName(name)) ?? 0n;
      const [oldest] = await deps.eventStore.readAll({ after: position, maxCount: 1 });
      const lagMs = oldest ? Math.max(0, now.getTime() - oldest.recordedAt.getTime()) : 0;
      const deadLetters = Number(dead.find((d) => d.projection === name)?.n ?? 0);
      return {
        name,
        position: position.toString(),
        lagMs,
        status: rebuilding.has(name) ? 'REBUILDING' : lagMs > LAGGING_AFTER_MS ? 'LAGGING' : 'LIVE',
        deadLetters,
      };
    }),
  );
}
