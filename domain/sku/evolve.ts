import { assertNever } from '../event';
import type { SkuEvent } from './events';
import { initialSkuState, type SkuState } from './state';

/** Events are facts, so evolve never throws; one the decider would never produce changes nothing. */
export function evolveSku(state: SkuState, event: SkuEvent): SkuState {
  switch (event.type) {
    case 'SkuListed': {
      if (state.status !== 'NONE') return state;
      const { skuId, name, price, currency, perUserLimit } = event.data;
      return { status: 'LISTED', skuId, name, price, currency, perUserLimit, stocked: 0 };
    }
    case 'SkuRestocked':
      if (state.status !== 'LISTED') return state;
      return { ...state, stocked: state.stocked + event.data.quantity };
    default:
      return assertNever(event);
  }
}

export function foldSku(events: readonly SkuEvent[]): SkuState {
  return events.reduce<SkuState>((state, event) => evolveSku(state, event), initialSkuState);
}
