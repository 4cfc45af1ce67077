import { ConcurrencyError, UnavailableError } from '../domain/errors';
import { evolveOrder, foldOrder, type OrderState } from '../domain/order';
import { orderStreamId, type OrderEvent } from '../domain/order/events';
import { withMetadata, type CommandContext } from './context';
import type { EventStore } from './ports';
import { backOff, inStreamOrder } from './stream-queue';

export type OrderCommandResult = {
  /** The order after the command (after the events it appended, if any). */
  state: OrderState;
  /** The stream revision after the command; -1 when the stream does not exist. */
  revision: number;
  appended: OrderEvent[];
};

const MAX_ATTEMPTS = 8;

/** The order as its stream has it, or as it stood at revision `upTo` when given. */
export async function loadOrder(eventStore: EventStore, orderId: string, upTo?: number) {
  const recorded = await eventStore.readStream(orderStreamId(orderId));
  const until = upTo === undefined ? recorded : recorded.slice(0, upTo + 1);
  const events = until.map((e) => ({ type: e.type, data: e.data }) as OrderEvent);
  return { state: foldOrder(events), revision: until.length - 1 };
}

/**
 * Reads the order, decides, and appends at the revision it read, after the other commands on
 * this order in this process (inStreamOrder). When a writer elsewhere got there first, the
 * decision is made again on the new state: a decision is pure, so repeating it is safe, and it
 * is bounded so a hot stream cannot spin a request forever.
 */
export function runOnOrder(
  eventStore: EventStore,
  orderId: string,
  decide: (state: OrderState) => OrderEvent[],
  context: CommandContext,
): Promise<OrderCommandResult> {
  return inStreamOrder(eventStore, orderStreamId(orderId), () =>
    decideAndAppend(eventStore, orderId, decide, context),
  );
}

async function decideAndAppend(
  eventStore: EventStore,
  orderId: string,
  decide: (state: OrderState) => OrderEvent[],
  context: CommandContext,
): Promise<OrderCommandResult> {
  for (let attempt = 1; ; attempt += 1) {
    const { state, revision } = await loadOrder(eventStore, orderId);
    const appended = decide(state);
    if (appended.length === 0) return { state, revision, appended };
    try {
      await eventStore.append(orderStreamId(orderId), withMetadata(appended, context), {
        expectedRevision: revision < 0 ? 'no_stream' : BigInt(revision),
      });
      return {
        state: appended.reduce(evolveOrder, state),
        revision: revision + appended.length,
        appended,
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new UnavailableError('the order is changing too fast; try again', { orderId });
      }
      await backOff(attempt);
    }
  }
}
