import type { Logger } from '../log';

/** Runs `task` every `ms` until stopped; a failure is logged and the next round comes anyway. */
export function every(ms: number, name: string, task: () => Promise<unknown>, logger: Logger) {
  let stopped = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        await task();
      } catch (error) {
        logger.warn({ err: error, task: name }, `${name} failed; trying again`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, ms).unref();
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
