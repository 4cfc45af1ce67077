import type { Knex } from 'knex';
import { readModelSnapshot, snapshotDifferences } from '../../projections';
import type { client } from './api-client';

/**
 * Invariant 4 for a quiet moment, checked as an operator would: the live read models are
 * snapshotted, rebuilt from the event store through `POST /v1/admin/projections/rebuild`, and
 * compared row for row. Answers the differences (none: equal); the rebuild swaps the replayed
 * tables in. Used by the demo and by the tests that end with all six invariants.
 */
export async function readModelsAgainstReplay(
  http: ReturnType<typeof client>,
  admin: string,
  db: Knex,
  ms = 120_000,
): Promise<string[]> {
  const token = { token: admin };
  const live = await readModelSnapshot(db);
  const started = await http.post('/v1/admin/projections/rebuild', {}, token);
  if (started.status !== 202) throw new Error(`the rebuild was refused: ${started.status}`);
  const deadline = Date.now() + ms;
  for (;;) {
    const job = (await http.get(`/v1/admin/projections/jobs/${started.body.jobId}`, token))
      .body as { status: string; error?: string };
    if (job.status === 'FAILED') return [`the rebuild failed: ${job.error ?? 'unknown error'}`];
    if (job.status === 'SUCCEEDED') return snapshotDifferences(live, await readModelSnapshot(db));
    if (Date.now() > deadline) throw new Error(`the rebuild did not finish in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
