/** Polls `condition` until it holds, or throws after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms = 30_000) {
  await eventually(condition, (held) => held, ms);
}

/** Reads again and again until `ok` accepts what was read; answers it, or throws after `ms`. */
export async function eventually<T>(
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not met in time: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
