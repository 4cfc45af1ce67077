import type { EventMetadata, NewEvent } from './ports';

/** Who asked, and in answer to what: carried into every event's metadata. */
export type CommandContext = {
  /** The HTTP request id that started it all (or the saga's, for its own commands). */
  correlationId: string;
  /** The request or event that caused this command; defaults to the correlation id. */
  causationId?: string;
  userId: string;
  /** PlaceOrder: the Idempotency-Key and the request's fingerprint, kept in the metadata. */
  idempotency?: { key: string; fingerprint: string };
};

export function withMetadata(
  events: readonly { type: string; data: Readonly<Record<string, unknown>> }[],
  context: CommandContext,
): NewEvent[] {
  const metadata: EventMetadata = {
    correlationId: context.correlationId,
    causationId: context.causationId ?? context.correlationId,
    userId: context.userId,
    ...(context.idempotency
      ? {
          idempotencyKey: context.idempotency.key,
          idempotencyFingerprint: context.idempotency.fingerprint,
        }
      : {}),
  };
  return events.map(({ type, data }) => ({ type, data, metadata }));
}

export type Clock = () => Date;
