import type { Router } from 'express';
import { caseSensitiveRouter } from './router';

/** A dependency the process needs: it is ready when every check resolves. */
export type ReadinessCheck = { name: string; check(): Promise<unknown> };

const TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function healthRoutes(checks: readonly ReadinessCheck[]): Router {
  const router = caseSensitiveRouter();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), TIMEOUT_MS);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: (error as Error).message };
        }
      }),
    );
    const failing = results.filter((r) => !r.ok);
    res.status(failing.length === 0 ? 200 : 503).json({
      status: failing.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results.map(({ name, ...rest }) => [name, rest])),
    });
  });
  return router;
}
