import type { Event } from '../event';

export type SkuListed = Event<
  'SkuListed',
  {
    skuId: string;
    name: string;
    price: number;
    currency: string;
    /** null: no limit. */
    perUserLimit: number | null;
    listedAt: string;
  }
>;
export type SkuRestocked = Event<
  'SkuRestocked',
  { skuId: string; quantity: number; restockedAt: string }
>;
export type SkuEvent = SkuListed | SkuRestocked;

export const skuStreamId = (skuId: string) => `sku-${skuId}`;
