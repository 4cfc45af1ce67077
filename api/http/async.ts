import type { NextFunction, Request, Response } from 'express';

/** What a route answers: a status, a JSON body, and headers such as a new resource's `Location`. */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** A route whose answer is an Answer; thrown errors go to the error middleware. */
export function route(handler: (req: Request, res: Response) => Promise<Answer>) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).then(
      ({ status, body, headers }) =>
        res
          .set(headers ?? {})
          .status(status)
          .json(body),
      next,
    );
  };
}
