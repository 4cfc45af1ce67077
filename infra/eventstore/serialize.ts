import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { ValidationError } from '../../domain/errors';
import type { EventMetadata, NewEvent } from '../../commands/ports';

/** What an adapter writes: the event checked and turned into JSON text once. */
export type SerializedEvent = {
  id: string;
  type: string;
  data: string;
  metadata: string;
};

export const MAX_STREAM_ID_LENGTH = 255;
export const MAX_TYPE_LENGTH = 255;
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

export function checkStreamId(streamId: unknown): string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new ValidationError('stream id must be a non-empty string', { streamId });
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new ValidationError(`stream id is longer than ${MAX_STREAM_ID_LENGTH} characters`, {
      length: streamId.length,
    });
  }
  // Control characters in ids only ever come from bugs, and make logs and URLs ambiguous.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(streamId)) {
    throw new ValidationError('stream id contains control characters', { streamId });
  }
  return streamId;
}

function toJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`${what} is not JSON: ${(error as Error).message}`);
  }
  if (json === undefined) {
    throw new ValidationError(`${what} is not JSON: ${typeof value} cannot be serialized`);
  }
  return json;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function serializeEvent(event: NewEvent, index: number): SerializedEvent {
  const where = `event ${index}`;
  if (!isPlainObject(event)) throw new ValidationError(`${where} must be an object`);
  const { id, type, data, metadata } = event;
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw new ValidationError(`${where}: type must be 1-${MAX_TYPE_LENGTH} characters`, { type });
  }
  if (id !== undefined && (typeof id !== 'string' || !isUuid(id))) {
    throw new ValidationError(`${where}: id must be a UUID`, { id });
  }
  // Data is a JSON object: the shape every reader and projector expects of an event.
  if (!isPlainObject(data)) throw new ValidationError(`${where}: data must be a JSON object`);
  if (metadata !== undefined && !isPlainObject(metadata)) {
    throw new ValidationError(`${where}: metadata must be a JSON object`);
  }
  const dataJson = toJson(data, `${where}: data`);
  const metadataJson = toJson(metadata ?? {}, `${where}: metadata`);
  const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
  if (bytes > MAX_EVENT_BYTES) {
    throw new ValidationError(`${where} is ${bytes} bytes, over the ${MAX_EVENT_BYTES} limit`);
  }
  return { id: id ?? uuidv7(), type, data: dataJson, metadata: metadataJson };
}

export function serializeEvents(events: readonly NewEvent[]): SerializedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new ValidationError('an append needs at least one event');
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new ValidationError(`an append takes at most ${MAX_EVENTS_PER_APPEND} events`);
  }
  return events.map(serializeEvent);
}

export function parseMetadata(json: string): EventMetadata {
  const value = JSON.parse(json) as unknown;
  return isPlainObject(value) ? (value as EventMetadata) : {};
}
