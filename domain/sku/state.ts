export type SkuState =
  | { status: 'NONE' }
  | {
      status: 'LISTED';
      skuId: string;
      name: string;
      price: number;
      currency: string;
      /** null: no limit. */
      perUserLimit: number | null;
      /** Every unit ever put on sale; what is left is the hot counter's business. */
      stocked: number;
    };

export const initialSkuState: SkuState = { status: 'NONE' };
