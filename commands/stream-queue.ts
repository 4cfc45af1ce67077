import type { EventStore } from './ports';

type Queue = Map<string, Promise<void>>;

/** One queue per event store: in practice, one per process. */
const queues = new WeakMap<EventStore, Queue>();

/**
 * Runs the commands on one stream one after another within this process. Commands on a stream
 * read it, decide and append at the revision they read, so two at once make one of them start
 * again; fifty callbacks or restocks at once on one order or SKU would mostly exhaust their
 * retries and answer 503 while nothing was down. In line, each reads what the previous one
 * wrote: only writers in other processes can still conflict, which the retries take care of.
 * Commands on different streams never wait for each other.
 */
export function inStreamOrder<T>(
  eventStore: EventStore,
  streamId: string,
  command: () => Promise<T>,
): Promise<T> {
  let queue = queues.get(eventStore);
  if (!queue) {
    queue = new Map();
    queues.set(eventStore, queue);
  }
  const previous = queue.get(streamId);
  const result = previous ? previous.then(command) : command();
  const done = result.then(
    () => undefined,
    () => undefined,
  );
  queue.set(streamId, done);
  void done.then(() => {
    if (queue.get(streamId) === done) queue.delete(streamId);
  });
  return result;
}

/**
 * A pause before a command tries its stream again after a writer in another process got there
 * first, jittered so the two do not meet again.
 */
export const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, attempt * 2 + Math.random() * 8));
