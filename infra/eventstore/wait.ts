import type { EventEmitter } from 'node:events';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when `emitter` emits `event`, after `timeoutMs`, or when `signal` aborts, whichever
 * comes first; `cancel` drops the listeners early.
 */
export function waitForEvent(
  emitter: EventEmitter,
  event: string,
  timeoutMs: number,
  signal: AbortSignal,
): { promise: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off(event, done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    emitter.on(event, done);
    signal.addEventListener('abort', done, { once: true });
    cancel = done;
  });
  return { promise, cancel };
}
