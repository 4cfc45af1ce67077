import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ValidationError } from '../../domain/errors';
import { PayloadTooLargeError } from './auth-errors';

export const MAX_BODY_BYTES = 64 * 1024;

declare module 'express-serve-static-core' {
  interface Request {
    /** The bytes received, for signature checks. */
    rawBody?: Buffer;
  }
}

/** Reads the whole body, refusing more than 64 KiB before buffering it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(`the body is over ${limit / 1024} KiB`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PayloadTooLargeError(`the body is over ${limit / 1024} KiB`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new ValidationError('a JSON body is required');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw new ValidationError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * JSON bodies, with the raw bytes kept for routes that check a signature over them. With
 * `whenEmpty`, no bytes at all mean that value (a route whose every field is optional).
 */
function json(whenEmpty?: () => unknown): RequestHandler {
  return async (req, _res, next) => {
    try {
      const raw = await readBody(req);
      req.rawBody = raw;
      req.body = raw.length === 0 && whenEmpty ? whenEmpty() : parseJson(raw);
      next();
    } catch (error) {
      next(error);
    }
  };
}

export const jsonBody = json();
/** Sending no body means `{}`; malformed JSON is still a 400. */
export const optionalJsonBody = json(() => ({}));

/** The raw bytes only, for a route that must check them before trusting them as JSON. */
export const rawBody: RequestHandler = async (req, _res, next) => {
  try {
    req.rawBody = await readBody(req);
    next();
  } catch (error) {
    next(error);
  }
};
