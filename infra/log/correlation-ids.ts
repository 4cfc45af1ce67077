import type { RecordedEvent } from '../../commands/ports';

/**
 * The distinct correlation ids (request ids) of a batch of events, in order of first appearance:
 * what the relay, projectors and saga log per batch, so `grep <requestId>` follows an order
 * through every role at the cost of one line per batch rather than one per event.
 */
export function correlationIdsOf(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.metadata.correlationId) ids.add(event.metadata.correlationId);
  }
  return [...ids];
}
