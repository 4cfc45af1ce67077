import { spawnService } from '../../infra/local/service-process';

/** The service as a child process (node with tsx's loader, as `npm start` runs it). */
export const runService = (env: Record<string, string>) => spawnService(env);

export async function until(condition: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
