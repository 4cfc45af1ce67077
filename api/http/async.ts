import type { NextFunction, Request, Response } from 'express';

/** A route whose answer is `status` + JSON `body`; thrown errors go to the error middleware. */
export function route(
  handler: (req: Request, res: Response) => Promise<{ status: number; body: unknown }>,
) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).then(({ status, body }) => res.status(status).json(body), next);
  };
}
