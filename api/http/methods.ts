import type { RequestHandler } from 'express';
import { badPercentEncoding, errorBody } from './errors';
import type { RouteEntry } from './route-table';

/**
 * The methods each path serves, from the routes a process really mounted: a path served with
 * other methods answers 405 with `Allow` (not 404, which says the path does not exist), and
 * `OPTIONS` answers 204 with the same `Allow`. Express answers OPTIONS by itself, but only with
 * the routes of the first router that matches: `OPTIONS /v1/orders` listed GET and HEAD, not the
 * POST served by another router and by the fast path.
 */
export function allowedMethods(routes: () => readonly RouteEntry[]) {
  let table: { pattern: RegExp; methods: Set<string> }[] | undefined;
  const allowed = (path: string): string[] | undefined => {
    table ??= compile(routes());
    const methods = new Set<string>();
    for (const route of table) {
      if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    }
    if (methods.size === 0) return undefined;
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort();
  };

  /**
   * OPTIONS on a served path: 204 with `Allow`. Mounted before every router. A path that is not
   * valid percent-encoding is 400 here too, as for every other method.
   */
  const options: RequestHandler = (req, res, next) => {
    if (req.method !== 'OPTIONS') return next();
    const methods = allowed(req.path);
    if (!methods) return next();
    if (!decodable(req.path)) {
      const { status, body } = badPercentEncoding(req.path);
      res.status(status).json(body);
      return;
    }
    res.set('Allow', methods.join(', ')).status(204).end();
  };

  /** A served path asked with another method: 405 with `Allow`. Mounted after every router. */
  const notAllowed: RequestHandler = (req, res, next) => {
    const methods = allowed(req.path);
    if (!methods) return next();
    res
      .set('Allow', methods.join(', '))
      .status(405)
      .json(
        errorBody('METHOD_NOT_ALLOWED', `${req.method} is not served on ${req.path}`, {
          allow: methods,
        }),
      );
  };

  return { options, notAllowed };
}

/** One pattern per path: `{param}` is one segment, and one trailing slash is tolerated. */
function compile(routes: readonly RouteEntry[]) {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    const methods = byPath.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    byPath.set(path, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : escape(part)))
        .join('/')}/?$`,
    ),
    methods,
  }));
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
