import type { Command } from '../event';

/** Listing with stock > 0 also restocks: SkuListed then SkuRestocked. */
export type ListSku = Command<
  'ListSku',
  {
    skuId: string;
    name: string;
    price: number;
    currency: string;
    stock: number;
    perUserLimit: number | null;
    now: Date;
  }
>;
export type RestockSku = Command<'RestockSku', { skuId: string; quantity: number; now: Date }>;
export type SkuCommand = ListSku | RestockSku;
