import type { EventMetadata, RecordedEvent } from '../../commands/ports';

/**
 * How an event travels on Kafka: keyed by its stream id (one order's events stay in one partition,
 * in order), the event itself as JSON in the value, and what a consumer needs to route or skip it
 * without parsing the value in the headers. Revisions and positions are decimal strings.
 */
export type EventMessage = {
  key: string;
  value: string;
  headers: {
    'event-id': string;
    'event-type': string;
    'stream-id': string;
    revision: string;
    position: string;
  };
};

type Body = {
  id: string;
  streamId: string;
  type: string;
  revision: string;
  position: string;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: string;
};

export function toEventMessage(event: RecordedEvent): EventMessage {
  const body: Body = {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: event.revision.toString(),
    position: event.position.toString(),
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
  return {
    key: event.streamId,
    value: JSON.stringify(body),
    headers: {
      'event-id': event.id,
      'event-type': event.type,
      'stream-id': event.streamId,
      revision: body.revision,
      position: body.position,
    },
  };
}

export class UnreadableMessageError extends Error {
  readonly code = 'UNREADABLE_MESSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableMessageError';
  }
}

const DECIMAL = /^\d{1,20}$/;

/** The event a message carries; throws UnreadableMessageError for anything else (dead-letter it). */
export function fromEventMessage(value: Buffer | string | null): RecordedEvent {
  if (value === null) throw new UnreadableMessageError('message has no value');
  let body: Partial<Body>;
  try {
    body = JSON.parse(value.toString()) as Partial<Body>;
  } catch (error) {
    throw new UnreadableMessageError(`message value is not JSON: ${(error as Error).message}`);
  }
  const { id, streamId, type, revision, position, data, metadata, recordedAt } = body ?? {};
  if (typeof id !== 'string' || typeof streamId !== 'string' || typeof type !== 'string') {
    throw new UnreadableMessageError('message lacks id, streamId or type');
  }
  if (typeof revision !== 'string' || !DECIMAL.test(revision)) {
    throw new UnreadableMessageError(`bad revision ${String(revision)}`);
  }
  if (typeof position !== 'string' || !DECIMAL.test(position)) {
    throw new UnreadableMessageError(`bad position ${String(position)}`);
  }
  const at = new Date(String(recordedAt));
  if (Number.isNaN(at.getTime())) throw new UnreadableMessageError('bad recordedAt');
  return {
    id,
    streamId,
    type,
    revision: BigInt(revision),
    position: BigInt(position),
    data,
    metadata: typeof metadata === 'object' && metadata !== null ? metadata : {},
    recordedAt: at,
  };
}

/** Topic names, all under one prefix so test runs and deployments can share a broker. */
export const topicsFor = (prefix: string) => ({
  events: `${prefix}events`,
  deadLetters: `${prefix}events.dlq`,
});
