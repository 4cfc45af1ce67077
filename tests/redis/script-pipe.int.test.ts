import { randomBytes } from 'node:crypto';
import { ReplyError } from 'ioredis';
import { UnavailableError } from '../../domain/errors';
import { RedisReservationStore, redisKeys, script, ScriptPipe } from '../../infra/redis';
import { until } from '../support/wait';
import { aReserve, aSku, createTestRedis, TEST_REDIS_URL, type TestRedis } from './support';

/** A script no other test has loaded: its first call meets NOSCRIPT. */
const fresh = (lua: string) => script(`-- ${randomBytes(8).toString('hex')}\n${lua}`);

const ECHO = fresh('return {ARGV[1], tonumber(ARGV[2]), false, {ARGV[1]}}');

describe('Script pipe: the purchase path connection to Redis', () => {
  let t: TestRedis;
  const pipes: ScriptPipe[] = [];
  const open = async (url = TEST_REDIS_URL, name = `test-${randomBytes(4).toString('hex')}`) => {
    const pipe = new ScriptPipe(url, { name, retryDelayMs: () => 50 });
    pipes.push(pipe);
    await pipe.connect();
    return { pipe, name };
  };

  beforeAll(async () => {
    t = await createTestRedis('pipe');
  });
  afterAll(async () => {
    await Promise.all(pipes.map((pipe) => pipe.close()));
    await t.drop();
  });

  it('When a script answers text, numbers, nil and nested arrays, then the reply equals what ioredis reads', async () => {
    const { pipe } = await open();
    const text = 'Grüße, 世界 🎉';

    const reply = await pipe.run(ECHO, 0, [text, 42]);

    expect(reply).toEqual(await t.redis.eval(ECHO.lua, 0, text, 42));
    expect(reply).toEqual([text, 42, null, [text]]);
  });

  it('When 5,000 calls are in flight at once, some with replies larger than a socket read, then each gets its own answer', async () => {
    const { pipe } = await open();
    const big = fresh('return string.rep(ARGV[1], tonumber(ARGV[2]))');

    const replies = await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        i % 500 === 0 ? pipe.run(big, 0, [`${i}-`, 50_000]) : pipe.run(ECHO, 0, [`call-${i}`, i]),
      ),
    );

    replies.forEach((reply, i) => {
      if (i % 500 === 0) expect(reply).toBe(`${i}-`.repeat(50_000));
      else expect(reply).toEqual([`call-${i}`, i, null, [`call-${i}`]]);
    });
  });

  it('When the script fails, then the call rejects with the error reply and the connection goes on', async () => {
    const { pipe } = await open();
    const failing = fresh("return redis.error_reply('BROKEN on purpose')");

    const error = await pipe.run(failing, 0, []).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplyError);
    expect(String(error)).toMatch(/BROKEN on purpose/);
    expect(await pipe.run(ECHO, 0, ['after', 1])).toEqual(['after', 1, null, ['after']]);
  });

  it('When a reserve meets a key of the wrong type, then the store does not call it unavailability', async () => {
    const { pipe } = await open();
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix, reservePipe: pipe });
    await store.markLoaded();
    await t.redis.set(redisKeys(t.prefix).sku('wrong-type'), 'not a hash');

    const error = await store
      .reserve(aReserve('u', [{ skuId: 'wrong-type', quantity: 1 }]))
      .catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(UnavailableError);
    expect(String(error)).toMatch(/WRONGTYPE/);
  });

  it('When nothing listens, then connecting fails and a reserve throws UnavailableError at once', async () => {
    const pipe = new ScriptPipe('redis://127.0.0.1:1', { retryDelayMs: () => 60_000 });
    pipes.push(pipe);
    await expect(pipe.connect()).rejects.toThrow(/closed/);
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix, reservePipe: pipe });

    const startedAt = Date.now();
    await expect(
      store.reserve(aReserve('u', [{ skuId: 'x', quantity: 1 }])),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('When Redis drops the connection, then calls fail as unavailable, nothing is half-reserved, and it reconnects', async () => {
    const { pipe, name } = await open();
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix, reservePipe: pipe });
    await store.markLoaded();
    await store.putSku(aSku('dropped', { stocked: 1_000 }));

    const during = Array.from({ length: 200 }, (_, i) =>
      store.reserve(aReserve(`drop-${i}`, [{ skuId: 'dropped', quantity: 1 }])).then(
        (result) => result.outcome,
        (error: unknown) => (error instanceof UnavailableError ? 'UNAVAILABLE' : String(error)),
      ),
    );
    const killed = await t.redis.call('CLIENT', 'KILL', 'ID', await clientId(name));
    const outcomes = await Promise.all(during);

    expect(killed).toBe(1);
    expect(outcomes.every((o) => o === 'RESERVED' || o === 'UNAVAILABLE')).toBe(true);
    const reserved = outcomes.filter((o) => o === 'RESERVED').length;
    // Reserves that Redis ran before the cut but whose answer was lost hold stock with a record
    // (the sweeper's work); none is half done: every unit taken has its reservation.
    const sku = await store.getSku('dropped');
    const records = await t.redis.zcard(redisKeys(t.prefix).due);
    expect(sku!.available).toBe(1_000 - records);
    expect(records).toBeGreaterThanOrEqual(reserved);
    await until(() => pipe.isReady, 5_000);
    expect(
      (await store.reserve(aReserve('after-drop', [{ skuId: 'dropped', quantity: 1 }]))).outcome,
    ).toBe('RESERVED');
  });

  it('When the connection comes back to a Redis whose marker names another server lifetime, then before any reserve the marker goes and the rest is flagged stale', async () => {
    const { pipe, name } = await open();
    const store = new RedisReservationStore(t.redis, { prefix: t.prefix, reservePipe: pipe });
    const keys = redisKeys(t.prefix);
    await store.markLoaded();
    await store.putSku(aSku('snapshot', { stocked: 10 }));
    expect(
      (await store.reserve(aReserve('s1', [{ skuId: 'snapshot', quantity: 1 }]))).outcome,
    ).toBe('RESERVED');
    // As after a restart from a snapshot taken in the server's earlier life.
    await t.redis.set(keys.epoch, 'run-id-of-an-earlier-server');
    await reconnect(pipe, name);

    expect(await t.redis.get(keys.epoch)).toBeNull();
    expect(await t.redis.get(keys.stale)).toBe('run-id-of-an-earlier-server');
    expect(await store.loadState()).toBe('stale');
    expect(
      (await store.reserve(aReserve('s2', [{ skuId: 'snapshot', quantity: 1 }]))).outcome,
    ).toBe('NOT_LOADED');
    // A marker of this lifetime is left alone.
    await store.markLoaded();
    await reconnect(pipe, name);
    expect(await t.redis.get(keys.epoch)).not.toBeNull();
  });

  /** Kills the pipe's connection and waits for the next one to be ready (its checks done). */
  async function reconnect(pipe: ScriptPipe, name: string) {
    const before = await clientId(name);
    await t.redis.call('CLIENT', 'KILL', 'ID', before);
    await until(
      async () => pipe.isReady && (await clientId(name).catch(() => before)) !== before,
      5_000,
    );
  }

  async function clientId(name: string): Promise<string> {
    const list = (await t.redis.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(` name=${name} `));
    if (!line) throw new Error(`no client named ${name}`);
    return /\bid=(\d+)/.exec(line)![1]!;
  }
});
