import {
  ANY,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { ConcurrencyError, UnavailableError, ValidationError } from '../../domain/errors';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  FollowOptions,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from '../../commands/ports';
import { checkStreamId, parseMetadata, serializeEvents } from './serialize';

/**
 * The event store on EventStoreDB. A global position here is the event's commit position in
 * the server's transaction log: increasing, but not contiguous.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    checkStreamId(streamId);
    const expectedRevision = toEsdbExpected(options?.expectedRevision);
    const serialized = serializeEvents(events);
    try {
      const result = await this.client.appendToStream(
        streamId,
        serialized.map((e) =>
          jsonEvent({
            id: e.id,
            type: e.type,
            data: JSON.parse(e.data) as Record<string, unknown>,
            metadata: JSON.parse(e.metadata) as Record<string, unknown>,
          }),
        ),
        { expectedRevision },
      );
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position: result.position?.commit ?? 0n,
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new ConcurrencyError(
          streamId,
          String(options.expectedRevision),
          describeActual(error.actualVersion),
        );
      }
      throw toStoreError(error);
    }
  }

  async readStream(streamId: string, options: { fromRevision?: bigint } = {}) {
    checkStreamId(streamId);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: options.fromRevision ?? START,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error);
    }
    return events;
  }

  async readAll({ after = 0n, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (!Number.isInteger(maxCount) || maxCount < 1) {
      throw new ValidationError('maxCount must be a positive integer', { maxCount });
    }
    const events: RecordedEvent[] = [];
    let from = after;
    // System events are filtered out here, so a page can come back short: read on until full.
    for (;;) {
      let seen = 0;
      try {
        for await (const resolved of this.client.readAll({
          direction: FORWARDS,
          fromPosition: from === 0n ? START : { commit: from, prepare: from },
          maxCount,
        })) {
          seen += 1;
          const event = toRecordedEvent(resolved);
          const position = resolved.event?.position?.commit;
          if (position !== undefined && position > from) from = position;
          if (event && event.position > after && events.length < maxCount) events.push(event);
        }
      } catch (error) {
        throw toStoreError(error);
      }
      if (events.length >= maxCount || seen < maxCount) return events;
    }
  }

  async *follow({ after = 0n, signal }: FollowOptions): AsyncIterable<RecordedEvent> {
    const subscription = this.client.subscribeToAll({
      fromPosition: after === 0n ? START : { commit: after, prepare: after },
      filter: excludeSystemEvents(),
    });
    const stop = () => void subscription.unsubscribe();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const resolved of subscription) {
        if (signal.aborted) return;
        const event = toRecordedEvent(resolved);
        if (event && event.position > after) yield event;
      }
    } catch (error) {
      if (!signal.aborted) throw toStoreError(error);
    } finally {
      signal.removeEventListener('abort', stop);
      await subscription.unsubscribe();
    }
  }

  async headPosition(): Promise<bigint> {
    try {
      for await (const resolved of this.client.readAll({
        direction: 'backwards',
        fromPosition: 'end',
        maxCount: 1,
      })) {
        return resolved.event?.position?.commit ?? 0n;
      }
      return 0n;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toEsdbExpected(expected: unknown): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (typeof expected === 'bigint' && expected >= 0n) return expected;
  throw new ValidationError("expectedRevision must be 'no_stream', 'any' or a bigint >= 0", {
    expectedRevision: String(expected),
  });
}

function describeActual(actual: unknown): string {
  return typeof actual === 'bigint' ? String(actual) : 'no_stream';
}

function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || event.streamId.startsWith('$')) return null;
  if (!event.isJson) return null;
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: event.revision,
    position: event.position?.commit ?? 0n,
    data: event.data,
    metadata: parseMetadata(JSON.stringify(event.metadata ?? {})),
    recordedAt: event.created,
  };
}

function toStoreError(error: unknown): Error {
  if (error instanceof ValidationError || error instanceof ConcurrencyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`EventStoreDB did not answer: ${message}`);
}
