/**
 * The hot inventory: stock counters, per-user holdings, idempotency keys and reservations, kept
 * in Redis and changed only by atomic scripts. It is a cache of the truth in the event store:
 * everything here can be rebuilt from events.
 */
export type SkuInventory = {
  skuId: string;
  name: string;
  price: number;
  currency: string;
  /** null: no limit. */
  perUserLimit: number | null;
  /** Units ever stocked (listing stock + restocks). */
  stocked: number;
  /** Units that can be reserved now. */
  available: number;
  /** Units sold (reservations turned into sales). */
  sold: number;
  /** The SKU stream revision last applied here: replays of older events change nothing. */
  revision: number;
};

export type ReserveRequest = {
  orderId: string;
  userId: string;
  lines: { skuId: string; quantity: number }[];
  /** A key of the user's and a fingerprint of the request it came with. */
  idempotency?: { key: string; fingerprint: string };
  deadline: Date;
  now: Date;
};

export type ReserveResult =
  | {
      outcome: 'RESERVED';
      lines: { skuId: string; quantity: number; unitPrice: number }[];
      currency: string;
    }
  /** The key was used before: `orderId` is that order; `sameRequest` whether the fingerprint matches. */
  | { outcome: 'REPLAY'; orderId: string; sameRequest: boolean }
  | { outcome: 'SOLD_OUT'; skuId: string; available: number }
  | { outcome: 'LIMIT_EXCEEDED'; skuId: string; limit: number; held: number }
  | { outcome: 'UNKNOWN_SKU'; skuId: string }
  | { outcome: 'MIXED_CURRENCY' }
  /** Redis lost its data and the rebuild from the event store has not finished: nothing changed. */
  | { outcome: 'NOT_LOADED' };

export type Reservation = {
  orderId: string;
  userId: string;
  lines: { skuId: string; quantity: number }[];
  deadline: Date;
  createdAt: Date;
};

/** A pending order's reservation as the event store tells it, to put back into Redis. */
export type RestoredReservation = {
  orderId: string;
  userId: string;
  currency: string;
  lines: { skuId: string; quantity: number; unitPrice: number }[];
  deadline: Date;
  createdAt: Date;
};

export interface ReservationStore {
  /**
   * All lines or none; nothing partial is ever visible. Throws UnavailableError if Redis is away;
   * answers NOT_LOADED, changing nothing, until the hot inventory is loaded (markLoaded).
   */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /** Stock goes back (expiry, cancel). Idempotent: false when there was nothing to release. */
  release(orderId: string): Promise<boolean>;
  /** Compensation for an order that was never recorded: release, and forget its idempotency key. */
  abort(orderId: string): Promise<boolean>;
  /** The reservation becomes a sale. Idempotent: false when there was nothing to confirm. */
  confirm(orderId: string): Promise<boolean>;
  /** Creates or replaces a SKU's hot record (listing, start-up load). */
  putSku(sku: SkuInventory): Promise<void>;
  /** Adds stock, once per SKU stream revision. Returns the SKU after it. */
  restock(skuId: string, quantity: number, revision: number): Promise<SkuInventory | null>;
  getSku(skuId: string): Promise<SkuInventory | null>;
  /** Puts back a SKU Redis lacks, with its per-user holdings. False (nothing changed) when it is there. */
  restoreSku(sku: SkuInventory, held: ReadonlyMap<string, number>): Promise<boolean>;
  /** Puts back an Idempotency-Key record Redis lacks, for what is left of its time to live. */
  restoreIdempotencyKey(k: {
    userId: string;
    key: string;
    fingerprint: string;
    orderId: string;
    placedAt: Date;
  }): Promise<boolean>;
  /**
   * Whether Redis holds the hot inventory as loaded from the event store: `absent` after Redis
   * lost it (a restart without persistence, a flush), `stale` when it was loaded in another
   * lifetime of the Redis server (a restart from a snapshot or an append-only file, a failover to
   * a replica): what it holds may be older than the event store, and is dropped and rebuilt.
   */
  loadState(): Promise<'loaded' | 'absent' | 'stale'>;
  /**
   * Whether the marker is there (one cheap call, for every SKU read): what the reserve script
   * checks too. A stale one is found by loadState, which the inventory watcher asks every second.
   */
  isLoaded(): Promise<boolean>;
  markLoaded(): Promise<void>;
  /** Removes the marker: Redis lost data, and the next inventory check rebuilds what is missing. */
  markLost(): Promise<void>;
  /** Drops every key of the hot inventory, the marker first (before a rebuild from events). */
  dropHotInventory(): Promise<number>;
  /** One restorer at a time across processes; the lock lapses after `ms`. */
  lockRestore(ms: number): Promise<boolean>;
  unlockRestore(): Promise<void>;
  /** Puts back a reservation Redis lacks. False (nothing changed) when it is there. */
  restoreReservation(reservation: RestoredReservation): Promise<boolean>;
  getReservation(orderId: string): Promise<Reservation | null>;
  /** Reservations whose deadline is before `before`, oldest first (for the sweeper). */
  reservationsDue(before: Date, limit: number): Promise<Reservation[]>;
}
