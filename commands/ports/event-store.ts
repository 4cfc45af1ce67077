/**
 * The event store port. Adapters (MySQL, EventStoreDB) live in infra/eventstore and pass one
 * shared contract suite (tests/eventstore/contract.ts).
 *
 * Revisions count from 0 within a stream; positions are the global order, increasing, and
 * readers get them as bigint so no number is ever rounded.
 */
export type EventMetadata = {
  correlationId?: string;
  causationId?: string;
  userId?: string;
  [key: string]: unknown;
};

export type NewEvent = {
  /** A UUID; generated when absent. */
  id?: string;
  type: string;
  data: unknown;
  metadata?: EventMetadata;
};

export type RecordedEvent = {
  id: string;
  streamId: string;
  type: string;
  revision: bigint;
  position: bigint;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
};

/** `no_stream`: the stream must not exist; `any`: no check; a bigint: the stream's current revision. */
export type ExpectedRevision = 'no_stream' | 'any' | bigint;

export type AppendResult = {
  /** The revision of the last event appended: pass it as the next expected revision. */
  nextExpectedRevision: bigint;
  /** The global position of the last event appended. */
  position: bigint;
};

export type ReadAllOptions = {
  /** Read events strictly after this position; 0n (the default) reads from the start. */
  after?: bigint;
  maxCount: number;
};

export type FollowOptions = {
  after?: bigint;
  signal: AbortSignal;
};

export interface EventStore {
  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** The stream's events in revision order; [] when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: bigint }): Promise<RecordedEvent[]>;
  /** Events in global order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Every event after `after`, then each new one as it is appended, until `signal` aborts. */
  follow(options: FollowOptions): AsyncIterable<RecordedEvent>;
  /** The position of the last event in the store (0n when empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}
