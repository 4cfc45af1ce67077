import type { RequestHandler } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { requireAdmin } from '../http/authenticate';
import { route } from '../http/async';
import { optionalJsonBody } from '../http/body';
import { jobIdParam, parse, rebuildBody } from '../http/schemas';

/** The port the admin routes use: built in the composition root from projections/. */
export type ProjectionAdmin = {
  names: readonly string[];
  start(names?: string[]): Promise<{ jobId: string }>;
  job(jobId: string): Promise<Record<string, unknown> | null>;
  statuses(): Promise<unknown[]>;
};

export function projectionAdminRoutes(admin: ProjectionAdmin, authenticate: RequestHandler) {
  const router = caseSensitiveRouter();

  router.post(
    '/v1/admin/projections/rebuild',
    authenticate,
    requireAdmin,
    // `{ projections?: [names] }`: no body at all is no options, a rebuild of every projection.
    optionalJsonBody,
    route(async (req) => {
      const { projections } = parse(rebuildBody, req.body, 'body');
      const unknown = (projections ?? []).filter((name) => !admin.names.includes(name));
      if (unknown.length > 0) {
        throw new ValidationError(`unknown projection ${unknown.join(', ')}`, {
          known: admin.names,
        });
      }
      const job = await admin.start(projections);
      // Where the job's progress is read.
      return {
        status: 202,
        body: job,
        headers: { Location: `/v1/admin/projections/jobs/${job.jobId}` },
      };
    }),
  );

  router.get(
    '/v1/admin/projections/jobs/:jobId',
    authenticate,
    requireAdmin,
    route(async (req) => {
      const jobId = jobIdParam.safeParse(req.params.jobId);
      const job = jobId.success ? await admin.job(jobId.data) : null;
      if (!job) throw new NotFoundError(`no job ${req.params.jobId}`);
      return { status: 200, body: job };
    }),
  );

  router.get(
    '/v1/admin/projections',
    authenticate,
    requireAdmin,
    route(async () => ({ status: 200, body: await admin.statuses() })),
  );

  return router;
}
