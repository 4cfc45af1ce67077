/**
 * What a demo killed outright (SIGKILL, a closed session that took it down without a signal it
 * could act on) leaves behind: its service's two processes, in process groups of their own,
 * still running and holding the port, and its Kafka topics. A run marks its Redis prefix before it
 * starts anything and removes the mark once it has cleaned up after itself; the next run with the
 * same prefix finds the mark of a run whose demo is gone and finishes that clean-up first.
 */
import type Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { dropTopics } from '../infra/kafka';
import { processesWithEnv, processRuns } from '../infra/local/processes';

type Mark = { run: string; pid: number };

/** How long a leftover service has to stop gracefully (leaving its consumer groups) once told. */
const STOP_MS = 20_000;

const markKey = (redisPrefix: string) => `{${redisPrefix}}:demo-run`;

/** The Kafka topic prefix of one run, also the mark its service processes carry in KAFKA_TOPIC_PREFIX. */
export const runTopicPrefix = (run: string) => `demo-${run}.`;

/** Marks `redisPrefix` as used by `run` of this process, before any of its services starts. */
export async function markRun(redis: Redis, redisPrefix: string, run: string): Promise<void> {
  await redis.set(markKey(redisPrefix), JSON.stringify({ run, pid: process.pid } satisfies Mark));
}

/**
 * The end of a run whose service processes are stopped: its topics and consumer groups dropped,
 * then its mark removed (a mark stays until nothing of the run is left).
 */
export async function endRun(
  redis: Redis,
  redisPrefix: string,
  brokers: string,
  run: string,
): Promise<void> {
  await dropRunTopics(brokers, runTopicPrefix(run));
  await redis.del(markKey(redisPrefix));
}

export type Leftovers =
  | { kind: 'none' }
  /** Another demo runs with this prefix: nothing of its may be dropped. */
  | { kind: 'running'; pid: number }
  /** A run killed before it cleaned up: its processes are now stopped, its topics dropped. */
  | { kind: 'cleared'; run: string; stopped: number };

/**
 * Finishes what the last run on `redisPrefix` left, if its demo is gone: stops the service
 * processes it started (found by their KAFKA_TOPIC_PREFIX, which no other run shares) and drops
 * its Kafka topics and consumer groups.
 */
export async function clearLeftovers(
  redis: Redis,
  redisPrefix: string,
  brokers: string,
): Promise<Leftovers> {
  const mark = parseMark(await redis.get(markKey(redisPrefix)));
  if (mark === undefined) return { kind: 'none' };
  if (mark.pid !== process.pid && processRuns(mark.pid, 'demo/run.ts')) {
    return { kind: 'running', pid: mark.pid };
  }
  const pids = processesWithEnv('KAFKA_TOPIC_PREFIX', runTopicPrefix(mark.run));
  await stopProcesses(pids);
  await endRun(redis, redisPrefix, brokers, mark.run);
  return { kind: 'cleared', run: mark.run, stopped: pids.length };
}

/** A run's topics and consumer groups: a demo leaves nothing behind in Kafka. */
async function dropRunTopics(brokers: string, topicPrefix: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'demo-cleanup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  // Best effort: a leftover topic costs disk, not correctness.
  await dropTopics(kafka, topicPrefix).catch(() => undefined);
}

function parseMark(raw: string | null): Mark | undefined {
  if (raw === null) return undefined;
  try {
    const mark = JSON.parse(raw) as Partial<Mark>;
    if (
      typeof mark.run === 'string' &&
      /^[0-9a-f]+$/.test(mark.run) &&
      Number.isInteger(mark.pid)
    ) {
      return mark as Mark;
    }
  } catch {
    // not a mark this demo wrote: nothing to finish
  }
  return undefined;
}

/** SIGTERM (a graceful shutdown), then SIGKILL for any still running after STOP_MS. */
async function stopProcesses(pids: number[]): Promise<void> {
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  const running = () => pids.filter((pid) => processRuns(pid));
  const gone = async (ms: number) => {
    for (const deadline = Date.now() + ms; running().length > 0;) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  };
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  if (await gone(STOP_MS)) return;
  running().forEach((pid) => signal(pid, 'SIGKILL'));
  await gone(2_000);
}
