import type { Request, Response } from 'express';
import type { CommandContext } from '../../commands';
import { principalOf } from '../http/authenticate';

export function contextOf(req: Request, res: Response): CommandContext {
  return { correlationId: String(res.getHeader('x-request-id')), userId: principalOf(req).userId };
}

export function actorOf(req: Request) {
  const principal = principalOf(req);
  return { userId: principal.userId, isAdmin: principal.role === 'admin' };
}
