import { foldSku } from '../domain/sku';
import { skuStreamId, type SkuEvent } from '../domain/sku/events';
import type { EventStore } from './ports';

export async function loadSku(eventStore: EventStore, skuId: string) {
  const recorded = await eventStore.readStream(skuStreamId(skuId));
  const events = recorded.map((e) => ({ type: e.type, data: e.data }) as SkuEvent);
  return { state: foldSku(events), revision: recorded.length - 1, events };
}
