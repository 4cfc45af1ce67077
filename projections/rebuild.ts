import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EventStore, RecordedEvent } from '../commands/ports';
import { AppError } from '../domain/errors';
import { saveCheckpoint, setCheckpoint } from '../infra/db/checkpoints';
import { markCheckpoint } from './watermark';
import { holdNamedLock, lockHolder, type HeldLock } from '../infra/db/named-lock';
import type { Logger } from '../infra/log';
import { projectionsNamed } from './all';
import { applyEvents, lockName, releaseLock, takeLock } from './apply';
import { checkpointName } from './projector';
import type { Projection } from './projection';

export type Progress = { processed: number; total: number };
export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type Job = Progress & {
  jobId: string;
  status: JobStatus;
  projections: string[];
  error?: string;
};

const PAGE = 5_000;
const DIED = 'the process running it stopped';

/**
 * A rebuild refused because another one of the same database is running and does not cover it:
 * by the replay command line, or a job of other projections (`details` names it).
 */
export class RebuildRunningError extends AppError {
  readonly code = 'REBUILD_RUNNING';
}

type RunningJob = { jobId: string; projections: string[] };
type Claimed = RunningJob & { lock: HeldLock };

/** A job in `projection_jobs` as the database holds it. */
type JobRow = {
  job_id: string;
  projections: string;
  status: JobStatus;
  processed: number | string;
  total: number | string;
  error: string | null;
  lock_connection: number | string | null;
  updated_at: Date;
};

const next = (table: string) => `${table}__next`;
const old = (table: string) => `${table}__old`;

/**
 * Rebuilds read models from the event store (never Kafka: its retention is finite). Events are
 * written into fresh copies of the tables (`orders__next`, ...) by the same statements the live
 * projectors run, while queries keep reading the live tables. Then, holding each projection's
 * lock (which the live projector takes for every batch), it catches up to the head and swaps all
 * the tables in one atomic RENAME. Whatever the live projector applies afterwards lands in the
 * new tables, and what it had applied is in them already, so nothing is lost or doubled. A
 * rebuild that died leaves only `__next` tables, dropped when the next one starts.
 */
export function createRebuilder(deps: {
  eventStore: EventStore;
  db: Knex;
  database: string;
  logger: Logger;
}) {
  const log = deps.logger.child({ component: 'rebuild' });
  let running: Promise<void> | undefined;
  let runningJob: RunningJob | undefined;
  let starting: Promise<RunningJob> | undefined;

  /** Each projection has tables of its own: their writes go on side by side. */
  async function applyPage(projections: Projection[], events: RecordedEvent[]) {
    await Promise.all(
      projections.map((p) => applyEvents(deps.db, p, events, { table: next(p.table) })),
    );
  }

  /**
   * One rebuild of a database at a time, across processes (the replay command line, several api
   * processes): two would drop and swap each other's `__next` tables. The lock lives on a
   * connection held for the whole run, so a process that dies gives it back.
   */
  const lockOfRebuilds = `${deps.database}.rebuild`;
  const rebuildLock = () => holdNamedLock(deps.db, lockOfRebuilds);
  const refused = (running?: RunningJob) =>
    new RebuildRunningError(
      running
        ? `a rebuild of ${running.projections.join(', ')} is running (job ${running.jobId}); ` +
            'ask again when it has ended; nothing was changed'
        : `another rebuild of ${deps.database}'s read models is running (another process); ` +
            'nothing was changed',
      running ?? {},
    );

  /** A job answers a request when it rebuilds every projection asked for. */
  const answer = (running: RunningJob, asked: string[]): RunningJob => {
    if (asked.every((name) => running.projections.includes(name))) return running;
    throw refused(running);
  };

  /**
   * Takes the lock and writes the job that holds it, naming the lock's connection. Whoever holds
   * the lock runs the only job: a row still RUNNING now was left by a process that died. Null
   * when another holds the lock.
   */
  async function claim(projections: string[]): Promise<Claimed | null> {
    const lock = await rebuildLock();
    if (!lock) return null;
    const jobId = randomUUID();
    try {
      await deps
        .db('projection_jobs')
        .where({ status: 'RUNNING' })
        .update({ status: 'FAILED', error: DIED, updated_at: new Date() });
      const now = new Date();
      await deps.db('projection_jobs').insert({
        job_id: jobId,
        projections: JSON.stringify(projections),
        status: 'RUNNING',
        processed: 0,
        total: 0,
        lock_connection: lock.connectionId,
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      await lock.release();
      throw error;
    }
    return { jobId, projections, lock };
  }

  /**
   * Runs a claimed job to its end: progress saved every 250 ms, then how it ended, and only then
   * the lock given back, so no RUNNING row is ever left without its holder.
   */
  async function runClaimed(job: Claimed, onProgress: (p: Progress) => void): Promise<void> {
    const { jobId } = job;
    let lastWrite = 0;
    let last: Progress = { processed: 0, total: 0 };
    // Saved one after another, so that no late one overwrites the end.
    let saving = Promise.resolve();
    try {
      await rebuild(projectionsNamed(job.projections), (p) => {
        onProgress(p);
        last = p;
        if (Date.now() - lastWrite < 250) return;
        lastWrite = Date.now();
        saving = saving
          .then(() => update(jobId, p))
          .catch((e) => log.warn({ err: e }, 'job progress not saved'));
      });
      await saving;
      await update(jobId, { status: 'SUCCEEDED', ...last });
    } catch (error) {
      await update(jobId, { status: 'FAILED', error: String((error as Error).message) }).catch(
        (e) => log.warn({ err: e }, 'job end not saved'),
      );
      throw error;
    } finally {
      await job.lock.release();
    }
  }

  /** A rebuild in the foreground (the replay command line); refused while another runs. */
  async function run(names: readonly string[] | undefined, onProgress: (p: Progress) => void) {
    const projections = projectionsNamed(names).map((p) => p.name);
    const job = await claim(projections);
    if (!job) throw refused((await jobElsewhere(0)) ?? undefined);
    await runClaimed(job, onProgress);
  }

  async function rebuild(projections: Projection[], onProgress: (p: Progress) => void) {
    for (const p of projections) {
      await deps.db.raw(`DROP TABLE IF EXISTS ${next(p.table)}, ${old(p.table)}`);
      await deps.db.raw(`CREATE TABLE ${next(p.table)} LIKE ${p.table}`);
    }
    const head = await deps.eventStore.headPosition();
    let processed = 0;
    let after = 0n;
    const read = () => deps.eventStore.readAll({ after, maxCount: PAGE });
    // Positions are not counts on every store (EventStoreDB's are byte offsets): the total is
    // the events read so far, scaled by how far through the head's position they reached.
    const progress = (): Progress => {
      const total =
        after === 0n || after >= head ? processed : Number((BigInt(processed) * head) / after);
      return { processed, total: Math.max(total, processed) };
    };
    /** Writes a page; with `prefetch`, reads the next one meanwhile. */
    const write = async (page: RecordedEvent[], prefetch = false) => {
      if (page.length === 0) return [];
      after = page[page.length - 1]!.position;
      const [following] = await Promise.all([
        prefetch ? read() : Promise.resolve([]),
        applyPage(projections, page),
      ]);
      processed += page.length;
      onProgress(progress());
      return following;
    };
    // The bulk: the next page is read while this one is written.
    let page = await read();
    while (page.length === PAGE) page = await write(page, true);
    await write(page);

    // The swap: no live batch may run between the last read and the rename.
    const locks = projections.map((p) => lockName(deps.database, p.name)).sort();
    await deps.db.transaction(async (trx) => {
      try {
        for (const lock of locks) await takeLock(trx, lock);
        for (let tail = await read(); tail.length > 0; tail = await read()) await write(tail);
        await trx.raw(
          `RENAME TABLE ${projections
            .map((p) => `${p.table} TO ${old(p.table)}, ${next(p.table)} TO ${p.table}`)
            .join(', ')}`,
        );
        // The fresh tables hold every event through `after`: their low-water mark rises to it.
        for (const p of projections) {
          await setCheckpoint(trx, checkpointName(p.name), after);
          await saveCheckpoint(trx, markCheckpoint(checkpointName(p.name)), after);
        }
      } finally {
        for (const lock of locks) await releaseLock(trx, lock);
      }
    });
    for (const p of projections) await deps.db.raw(`DROP TABLE IF EXISTS ${old(p.table)}`);
    onProgress({ processed, total: processed });
    log.info({ projections: projections.map((p) => p.name), processed }, 'rebuild swapped in');
  }

  /** The job that answers a request: this process's, another's that covers it, or a new one. */
  async function begin(projections: string[]): Promise<RunningJob> {
    if (runningJob) return answer(runningJob, projections);
    const asked = new Date();
    // The lock first, then the job: two processes asked at once answer one job between them.
    let job = await claim(projections);
    for (const deadline = Date.now() + 2_000; !job; job = await claim(projections)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Looked for just before the lock is tried again: a small job of another process can run
      // and end within the wait, and then it answers this request as a running one would.
      const elsewhere = await jobElsewhere(0, { since: asked, covering: projections });
      if (elsewhere) return answer(elsewhere, projections);
      if (Date.now() >= deadline) throw refused();
    }
    const { jobId } = job;
    runningJob = { jobId, projections };
    running = runClaimed(job, () => undefined)
      .catch((error: unknown) => log.error({ err: error, jobId }, 'rebuild failed'))
      .finally(() => {
        running = undefined;
        runningJob = undefined;
      });
    return runningJob;
  }

  /**
   * The job of the process that holds the lock, if it is alive. It writes the row just after
   * taking the lock, so the row is waited for up to `waitMs`; a holder that has none is a process
   * of an older version.
   */
  async function jobElsewhere(
    waitMs: number,
    done?: { since: Date; covering: readonly string[] },
  ): Promise<RunningJob | null> {
    for (const deadline = Date.now() + waitMs; ;) {
      const row = await runningRow();
      if (row && (await alive(row))) return jobOf(row);
      // A job started since the request and already done covers it as well as a running one:
      // with a small store, the other process may finish before this one looks.
      const finished =
        done &&
        (await deps
          .db('projection_jobs')
          .where({ status: 'SUCCEEDED' })
          .andWhere('created_at', '>=', done.since)
          .orderBy('created_at', 'desc')
          .first());
      if (finished && done.covering.every((p) => jobOf(finished).projections.includes(p))) {
        return jobOf(finished);
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const jobOf = (row: JobRow): RunningJob => ({
    jobId: row.job_id,
    projections: JSON.parse(row.projections) as string[],
  });

  const runningRow = (): Promise<JobRow | undefined> =>
    deps.db('projection_jobs').where({ status: 'RUNNING' }).orderBy('created_at', 'desc').first();

  /**
   * Whether a RUNNING row is still running: its lock's connection still holds the rebuild lock
   * (IS_USED_LOCK). The lock goes with the connection when its process dies; a row whose holder
   * is gone is marked FAILED. Rows of older versions name no connection: one of those quiet for
   * 10 s while nobody holds the lock is taken for dead.
   */
  async function alive(row: JobRow): Promise<boolean> {
    if (row.status !== 'RUNNING') return false;
    const holder = await lockHolder(deps.db, lockOfRebuilds);
    const quiet = new Date(Date.now() - 10_000);
    const running =
      row.lock_connection === null
        ? holder !== null || row.updated_at >= quiet
        : holder === String(row.lock_connection);
    if (running) return true;
    await deps
      .db('projection_jobs')
      .where({ job_id: row.job_id, status: 'RUNNING' })
      .update({ status: 'FAILED', error: DIED, updated_at: new Date() });
    return false;
  }

  async function update(jobId: string, fields: Record<string, unknown>) {
    await deps
      .db('projection_jobs')
      .where({ job_id: jobId })
      .update({ ...fields, updated_at: new Date() });
  }

  return {
    run,
    /**
     * Starts a rebuild in the background and answers its job id at once. While one runs, asking
     * again answers that job: two rebuilds would only race each other's tables.
     */
    start(names?: readonly string[]): Promise<{ jobId: string }> {
      const asked = projectionsNamed(names).map((p) => p.name);
      // Two requests at once in this process share one start, and so one job, if it covers both.
      const pending = starting;
      if (pending) return pending.then((job) => ({ jobId: answer(job, asked).jobId }));
      const started = begin(asked).finally(() => {
        if (starting === started) starting = undefined;
      });
      starting = started;
      return started.then(({ jobId }) => ({ jobId }));
    },
    async job(jobId: string): Promise<Job | null> {
      let row = await deps.db('projection_jobs').where({ job_id: jobId }).first<JobRow>();
      if (!row) return null;
      if (row.status === 'RUNNING' && !(await alive(row))) {
        row = (await deps.db('projection_jobs').where({ job_id: jobId }).first<JobRow>())!;
      }
      return {
        jobId,
        status: row.status as JobStatus,
        projections: JSON.parse(row.projections as string) as string[],
        processed: Number(row.processed),
        total: Number(row.total),
        ...(row.error ? { error: String(row.error) } : {}),
      };
    },
    /** The projections a rebuild is working on now, in this process or another. */
    async rebuilding(): Promise<string[]> {
      if (runningJob) return runningJob.projections;
      const row = await runningRow();
      return row && (await alive(row)) ? (JSON.parse(row.projections) as string[]) : [];
    },
    /** Waits for the rebuild in progress, if any (shutdown, tests). */
    async settle(): Promise<void> {
      await running;
    },
  };
}

export type Rebuilder = ReturnType<typeof createRebuilder>;
