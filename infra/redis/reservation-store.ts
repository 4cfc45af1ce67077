import { ReplyError, type Redis } from 'ioredis';
import type {
  Reservation,
  ReservationStore,
  ReserveRequest,
  ReserveResult,
  RestoredReservation,
  SkuInventory,
} from '../../commands/ports';
import { AppError, UnavailableError, ValidationError } from '../../domain/errors';
import { redisKeys, type Keys } from './keys';
import { script, type ScriptPipe } from './script-pipe';
import {
  CONFIRM_LUA,
  PUT_SKU_LUA,
  RELEASE_LUA,
  RESERVE_LUA,
  RESTOCK_LUA,
  RESTORE_RESERVATION_LUA,
  RESTORE_SKU_LUA,
} from './scripts';

export type RedisReservationStoreOptions = {
  /** Hash tag of every key of this store: one Redis Cluster slot per prefix (see keys.ts). */
  prefix: string;
  /** How long an idempotency key outlives its order's reservation. Default one day. */
  idempotencyTtlSeconds?: number;
  /** A connection of its own for the reserve script, the purchase path (else the client's). */
  reservePipe?: ScriptPipe;
};

const RESERVE = script(RESERVE_LUA);

/** Arguments of a variable-key script: the number of keys, the keys, then ARGV. */
type ScriptArgs = (string | number)[];
type Reply = string | number | null;
type Scripts = {
  flashsaleReserve(args: ScriptArgs): Promise<Reply[]>;
  flashsaleRelease(args: ScriptArgs): Promise<number>;
  flashsaleConfirm(args: ScriptArgs): Promise<number>;
  flashsalePutSku(args: ScriptArgs): Promise<number>;
  flashsaleRestock(args: ScriptArgs): Promise<string[] | null>;
  flashsaleRestoreSku(args: ScriptArgs): Promise<number>;
  flashsaleRestoreReservation(args: ScriptArgs): Promise<number>;
};

type StoredLine = { skuId: string; quantity: number; unitPrice: number };

/** Release and confirm re-read a record that changed under them; more than this is a bug. */
const MAX_SETTLE_ATTEMPTS = 5;

/**
 * The reservation store on Redis. Every change is one Lua script (defined once per client:
 * EVALSHA, with ioredis falling back to EVAL on NOSCRIPT), so each is atomic and a reserve is one
 * round trip. Scripts receive every key in KEYS and never build key names themselves.
 */
export type LoadState = Awaited<ReturnType<ReservationStore['loadState']>>;

export class RedisReservationStore implements ReservationStore {
  private readonly keys: Keys;
  private readonly scripts: Scripts;
  private readonly idempotencyTtl: number;
  private readonly reservePipe: ScriptPipe | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisReservationStoreOptions,
  ) {
    this.keys = redisKeys(options.prefix);
    this.idempotencyTtl = options.idempotencyTtlSeconds ?? 86_400;
    this.reservePipe = options.reservePipe;
    // A reconnect may be to a Redis restarted from a snapshot, whose marker and counters are older
    // than the events. Before its first reserve, the connection takes such a marker away (and
    // flags the rest stale): purchases then answer 503 until the rebuild, instead of selling from
    // the old counters until the inventory watcher's next look.
    this.reservePipe?.beforeReady(async (call) => {
      const runId = runIdOf(String(await call(['INFO', 'server'])));
      if (runId)
        await call(['EVAL', RETIRE_MARKER_LUA, 2, this.keys.epoch, this.keys.stale, runId]);
    });
    if (!Number.isSafeInteger(this.idempotencyTtl) || this.idempotencyTtl < 1) {
      throw new RangeError('idempotencyTtlSeconds must be a positive integer');
    }
    redis.defineCommand('flashsaleReserve', { lua: RESERVE_LUA });
    redis.defineCommand('flashsaleRelease', { lua: RELEASE_LUA });
    redis.defineCommand('flashsaleConfirm', { lua: CONFIRM_LUA });
    redis.defineCommand('flashsalePutSku', { lua: PUT_SKU_LUA });
    redis.defineCommand('flashsaleRestock', { lua: RESTOCK_LUA });
    redis.defineCommand('flashsaleRestoreSku', { lua: RESTORE_SKU_LUA });
    redis.defineCommand('flashsaleRestoreReservation', { lua: RESTORE_RESERVATION_LUA });
    this.scripts = redis as unknown as Scripts;
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { orderId, userId, lines, idempotency } = request;
    validateLines(lines);
    const n = lines.length;
    const keyCount = 3 + 2 * n + (idempotency ? 1 : 0);
    const args: ScriptArgs = [this.keys.reservation(orderId), this.keys.due];
    for (const line of lines) args.push(this.keys.sku(line.skuId), this.keys.held(line.skuId));
    args.push(this.keys.epoch);
    if (idempotency) args.push(this.keys.idempotency(userId, idempotency.key));
    args.push(
      orderId,
      userId,
      epochMs(request.deadline, 'deadline'),
      epochMs(request.now, 'now'),
      idempotency?.key ?? '',
      idempotency?.fingerprint ?? '',
      this.idempotencyTtl,
    );
    for (const line of lines) args.push(line.skuId, line.quantity);

    const reply = (await this.call(
      this.reservePipe
        ? this.reservePipe.run(RESERVE, keyCount, args)
        : this.scripts.flashsaleReserve([keyCount, ...args]),
    )) as Reply[];
    switch (reply[0]) {
      case 'NOT_LOADED':
        return { outcome: 'NOT_LOADED' };
      case 'RESERVED':
        return {
          outcome: 'RESERVED',
          currency: String(reply[1]),
          lines: lines.map((line, i) => ({
            skuId: line.skuId,
            quantity: line.quantity,
            unitPrice: Number(reply[2 + i]),
          })),
        };
      case 'AGAIN':
        // This very order was reserved already (a command resent after a lost reply).
        return { outcome: 'RESERVED', currency: String(reply[1]), lines: parseLines(reply[2]) };
      case 'REPLAY':
        return { outcome: 'REPLAY', orderId: String(reply[1]), sameRequest: reply[2] === 1 };
      case 'UNKNOWN_SKU':
        return { outcome: 'UNKNOWN_SKU', skuId: String(reply[1]) };
      case 'MIXED_CURRENCY':
        return { outcome: 'MIXED_CURRENCY' };
      case 'SOLD_OUT':
        return { outcome: 'SOLD_OUT', skuId: String(reply[1]), available: Number(reply[2]) };
      case 'LIMIT_EXCEEDED':
        return {
          outcome: 'LIMIT_EXCEEDED',
          skuId: String(reply[1]),
          limit: Number(reply[2]),
          held: Number(reply[3]),
        };
      default:
        throw new Error(`unexpected reply from the reserve script: ${JSON.stringify(reply)}`);
    }
  }

  release(orderId: string): Promise<boolean> {
    return this.settle(orderId, 'release');
  }

  abort(orderId: string): Promise<boolean> {
    return this.settle(orderId, 'abort');
  }

  confirm(orderId: string): Promise<boolean> {
    return this.settle(orderId, 'confirm');
  }

  async putSku(sku: SkuInventory): Promise<void> {
    validateSku(sku);
    await this.call(
      this.scripts.flashsalePutSku([
        2,
        this.keys.sku(sku.skuId),
        this.keys.restocked(sku.skuId),
        sku.name,
        sku.price,
        sku.currency,
        sku.perUserLimit ?? 0,
        sku.stocked,
        sku.available,
        sku.sold,
        sku.revision,
      ]),
    );
  }

  async restock(skuId: string, quantity: number, revision: number): Promise<SkuInventory | null> {
    if (!isCount(quantity) || quantity === 0) throw new ValidationError('quantity must be > 0');
    if (!isCount(revision)) throw new ValidationError('revision must be an integer >= 0');
    const flat = await this.call(
      this.scripts.flashsaleRestock([
        2,
        this.keys.sku(skuId),
        this.keys.restocked(skuId),
        quantity,
        revision,
      ]),
    );
    if (!flat) return null;
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    return toSku(skuId, hash);
  }

  async getSku(skuId: string): Promise<SkuInventory | null> {
    const hash = await this.call(this.redis.hgetall(this.keys.sku(skuId)));
    return hash.price === undefined ? null : toSku(skuId, hash);
  }

  async restoreSku(sku: SkuInventory, held: ReadonlyMap<string, number>): Promise<boolean> {
    // As the events have it, even oversold (sold beyond stocked): the caller reports that.
    validateSku(sku, { asRecorded: true });
    const args: ScriptArgs = [3, this.keys.sku(sku.skuId), this.keys.restocked(sku.skuId)];
    args.push(this.keys.held(sku.skuId), sku.name, sku.price, sku.currency);
    args.push(sku.perUserLimit ?? 0, sku.stocked, sku.available, sku.sold, sku.revision);
    for (const [userId, units] of held) if (units > 0) args.push(userId, units);
    return (await this.call(this.scripts.flashsaleRestoreSku(args))) === 1;
  }

  async restoreIdempotencyKey(k: {
    userId: string;
    key: string;
    fingerprint: string;
    orderId: string;
    placedAt: Date;
  }): Promise<boolean> {
    const left =
      this.idempotencyTtl - Math.floor((Date.now() - epochMs(k.placedAt, 'placedAt')) / 1000);
    if (left < 1) return false;
    const value = `${k.orderId.length}:${k.orderId}${k.fingerprint}`;
    const key = this.keys.idempotency(k.userId, k.key);
    return (await this.call(this.redis.set(key, value, 'EX', left, 'NX'))) === 'OK';
  }

  async loadState(): Promise<LoadState> {
    const [marker, flagged, runId] = await Promise.all([
      this.call(this.redis.get(this.keys.epoch)),
      this.call(this.redis.exists(this.keys.stale)),
      this.serverRunId(),
    ]);
    if (flagged === 1) return 'stale';
    if (marker === null) return 'absent';
    return marker === runId ? 'loaded' : 'stale';
  }

  async isLoaded(): Promise<boolean> {
    return (await this.call(this.redis.exists(this.keys.epoch))) === 1;
  }

  /** The marker names the Redis server lifetime it was loaded in (see loadState). */
  async markLoaded(): Promise<void> {
    await this.call(this.redis.set(this.keys.epoch, await this.serverRunId()));
  }

  async markLost(): Promise<void> {
    await this.call(this.redis.del(this.keys.epoch));
  }

  async dropHotInventory(): Promise<number> {
    // The marker first: from then on no reserve runs on what is left while the rest goes.
    let dropped = await this.call(this.redis.del(this.keys.epoch));
    let cursor = '0';
    do {
      const [next, keys] = await this.call(
        this.redis.scan(cursor, 'MATCH', this.keys.all, 'COUNT', 1000),
      );
      cursor = next;
      const doomed = keys.filter((key) => key !== this.keys.restoring);
      if (doomed.length > 0) dropped += await this.call(this.redis.del(...doomed));
    } while (cursor !== '0');
    return dropped;
  }

  /** Changes whenever the server restarts (from a snapshot or not) or another one takes over. */
  private async serverRunId(): Promise<string> {
    const runId = runIdOf(await this.call(this.redis.info('server')));
    if (!runId) throw new UnavailableError('Redis INFO does not name its run_id');
    return runId;
  }

  async lockRestore(ms: number): Promise<boolean> {
    return (await this.call(this.redis.set(this.keys.restoring, '1', 'PX', ms, 'NX'))) === 'OK';
  }

  async unlockRestore(): Promise<void> {
    await this.call(this.redis.del(this.keys.restoring));
  }

  async restoreReservation(r: RestoredReservation): Promise<boolean> {
    const lines = r.lines.map(({ skuId, quantity, unitPrice }) => ({ skuId, quantity, unitPrice }));
    validateLines(lines);
    const reply = await this.call(
      this.scripts.flashsaleRestoreReservation([
        2,
        this.keys.reservation(r.orderId),
        this.keys.due,
        r.orderId,
        r.userId,
        r.currency,
        JSON.stringify(lines),
        epochMs(r.deadline, 'deadline'),
        epochMs(r.createdAt, 'createdAt'),
      ]),
    );
    return reply === 1;
  }

  async getReservation(orderId: string): Promise<Reservation | null> {
    const hash = await this.call(this.redis.hgetall(this.keys.reservation(orderId)));
    return toReservation(orderId, hash);
  }

  /** How many reservations are held now (pending orders): the size of the due set. */
  async countReservations(): Promise<number> {
    return this.call(this.redis.zcard(this.keys.due));
  }

  async reservationsDue(before: Date, limit: number): Promise<Reservation[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ValidationError('limit must be >= 1');
    const orderIds = await this.call(
      this.redis.zrangebyscore(
        this.keys.due,
        '-inf',
        `(${epochMs(before, 'before')}`,
        'LIMIT',
        0,
        limit,
      ),
    );
    // Sent together: one round trip on the connection, whatever the pipelining settings.
    const hashes = await this.call(
      Promise.all(orderIds.map((id) => this.redis.hgetall(this.keys.reservation(id)))),
    );
    const due: Reservation[] = [];
    hashes.forEach((hash, i) => {
      const reservation = toReservation(orderIds[i]!, hash);
      if (reservation) due.push(reservation);
    });
    return due;
  }

  /**
   * Release, abort and confirm must name every SKU key in KEYS, and only the record knows them:
   * read it, then run the script, which re-checks the record and acts only if it is unchanged.
   */
  private async settle(orderId: string, mode: 'release' | 'abort' | 'confirm'): Promise<boolean> {
    const key = this.keys.reservation(orderId);
    for (let attempt = 1; attempt <= MAX_SETTLE_ATTEMPTS; attempt++) {
      const [lines, userId, idem] = await this.call(
        this.redis.hmget(key, 'lines', 'userId', 'idem'),
      );
      if (lines == null || userId == null) return false;
      const parsed = parseLines(lines);
      const n = parsed.length;
      let reply: number;
      if (mode === 'confirm') {
        const args: ScriptArgs = [2 + n, key, this.keys.due];
        for (const line of parsed) args.push(this.keys.sku(line.skuId));
        args.push(orderId, lines);
        for (const line of parsed) args.push(line.quantity);
        reply = await this.call(this.scripts.flashsaleConfirm(args));
      } else {
        const forget = mode === 'abort' && idem ? this.keys.idempotency(userId, idem) : null;
        const args: ScriptArgs = [2 + 2 * n + (forget ? 1 : 0), key, this.keys.due];
        for (const line of parsed) args.push(this.keys.sku(line.skuId), this.keys.held(line.skuId));
        if (forget) args.push(forget);
        args.push(orderId, lines, userId);
        for (const line of parsed) args.push(line.quantity);
        reply = await this.call(this.scripts.flashsaleRelease(args));
      }
      if (reply !== -1) return reply === 1;
    }
    throw new Error(`reservation ${orderId} kept changing while being settled`);
  }

  private call<T>(command: Promise<T>): Promise<T> {
    return command.catch((error: unknown) => {
      throw redisFailure(error);
    });
  }
}

// Replies that mean "not now" rather than "wrong": the server refused before changing anything.
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM)\b/;

/**
 * What a failed Redis call means to the caller. Anything but an error reply (connection refused
 * or closed, offline queue disabled, retries exhausted, command timeout) is Redis not answering.
 * A genuine error reply (a script bug, a wrong type) is not unavailability and goes up as it is.
 */
export function redisFailure(error: unknown): Error {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ReplyError && !TRANSIENT_REPLY.test(message)) return error as Error;
  return new UnavailableError(`Redis did not answer: ${message}`, { cause: message });
}

function validateLines(lines: ReserveRequest['lines']): void {
  if (lines.length === 0) throw new ValidationError('an order needs at least one line');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!isCount(line.quantity) || line.quantity === 0) {
      throw new ValidationError(`quantity of ${line.skuId} must be a positive integer`);
    }
    // Each line is checked against stock and limit on its own: two lines of one SKU would not be.
    for (let j = 0; j < i; j++) {
      if (lines[j]!.skuId === line.skuId) {
        throw new ValidationError(`SKU ${line.skuId} appears on two lines`);
      }
    }
  }
}

/** The server's run_id in the text of INFO server. */
function runIdOf(info: string): string | undefined {
  return /^run_id:(\w+)/m.exec(info)?.[1];
}

/** A marker that names another server lifetime goes, and the rest is flagged stale (atomic). */
const RETIRE_MARKER_LUA = `
local marker = redis.call('GET', KEYS[1])
if marker == false or marker == ARGV[1] then return 0 end
redis.call('SET', KEYS[2], marker)
redis.call('DEL', KEYS[1])
return 1`;

function validateSku(sku: SkuInventory, options: { asRecorded?: boolean } = {}): void {
  const counts = [sku.price, sku.stocked, sku.available, sku.sold, sku.revision];
  if (!counts.every(isCount)) {
    throw new ValidationError('price, stocked, available, sold and revision are integers >= 0');
  }
  if (sku.perUserLimit !== null && (!isCount(sku.perUserLimit) || sku.perUserLimit === 0)) {
    throw new ValidationError('perUserLimit is a positive integer or null');
  }
  if (!options.asRecorded && sku.available + sku.sold > sku.stocked) {
    throw new ValidationError('available + sold cannot exceed stocked');
  }
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function epochMs(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new ValidationError(`${name} is not a valid date`);
  return ms;
}

function parseLines(json: unknown): StoredLine[] {
  return JSON.parse(String(json)) as StoredLine[];
}

function toSku(skuId: string, hash: Record<string, string>): SkuInventory {
  const limit = Number(hash.perUserLimit);
  return {
    skuId,
    name: hash.name ?? '',
    price: Number(hash.price),
    currency: hash.currency ?? '',
    perUserLimit: limit > 0 ? limit : null,
    stocked: Number(hash.stocked),
    available: Number(hash.available),
    sold: Number(hash.sold),
    revision: Number(hash.revision),
  };
}

function toReservation(orderId: string, hash: Record<string, string>): Reservation | null {
  const { userId, lines } = hash;
  if (lines === undefined || userId === undefined) return null;
  return {
    orderId,
    userId,
    lines: parseLines(lines).map(({ skuId, quantity }) => ({ skuId, quantity })),
    deadline: new Date(Number(hash.deadline)),
    createdAt: new Date(Number(hash.createdAt)),
  };
}
