import type { EventMetadata, NewEvent } from './ports';

/**
 * The actors that are not users, as events' metadata names them. A user id (a JWT `sub`) is 1-64
 * characters of `[A-Za-z0-9_-]`, so the colon keeps these apart from any user: a customer whose
 * id is `saga` cannot pass for the saga in the audit trail.
 */
export const SYSTEM_ACTORS = {
  saga: 'system:saga',
  paymentProvider: 'system:payment-provider',
} as const;

/** Who asked, and in answer to what: carried into every event's metadata. */
export type CommandContext = {
  /** The HTTP request id that started it all (or the saga's, for its own commands). */
  correlationId: string;
  /** The request or event that caused this command; defaults to the correlation id. */
  causationId?: string;
  /** The user, or one of SYSTEM_ACTORS. */
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
