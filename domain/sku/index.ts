import type { Decider } from '../decider';
import type { SkuCommand } from './commands';
import { decideSku } from './decide';
import type { SkuEvent } from './events';
import { evolveSku } from './evolve';
import { initialSkuState, type SkuState } from './state';

export * from './commands';
export * from './events';
export { decideSku } from './decide';
export { evolveSku, foldSku } from './evolve';
export { initialSkuState, type SkuState } from './state';

export const skuDecider: Decider<SkuState, SkuCommand, SkuEvent> = {
  initialState: initialSkuState,
  evolve: evolveSku,
  decide: decideSku,
};
