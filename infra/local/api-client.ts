/** A small client for the flash-sale API, and a runner of tasks with bounded parallelism: used by the tests and the demo. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies freely
export type Response = { status: number; body: any; headers: Headers };

export type Call = {
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is (a string) instead of JSON-encoding `body`. */
  raw?: string;
};

/**
 * A small client for the API under test. With `maxInFlight`, calls beyond that many wait their
 * turn here, so the client holds at most that many connections: the kernel's accept queue is
 * not where callers wait (a busy Node server accepts about one connection per event-loop turn).
 */
export function client(base: string, options: { maxInFlight?: number } = {}) {
  const turn = options.maxInFlight ? turns(options.maxInFlight) : undefined;
  async function call(
    method: string,
    path: string,
    body?: unknown,
    options: Call = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const release = await turn?.();
    let res: globalThis.Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: payload });
      text = await res.text();
    } finally {
      release?.();
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the test sees the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
  return {
    get: (path: string, options?: Call) => call('GET', path, undefined, options),
    post: (path: string, body?: unknown, options?: Call) => call('POST', path, body, options),
    call,
  };
}

/** A counting semaphore: awaiting the function it returns gives a release once one of `n` is free. */
function turns(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return async (): Promise<() => void> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    return release;
  };
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inParallel<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}
