import { inventoryAuditProjection } from './inventory-audit';
import { orderItemsProjection } from './order-items';
import { ordersProjection } from './orders';
import { paymentsProjection } from './payments';
import type { Projection } from './projection';

export const PROJECTIONS: readonly Projection[] = [
  ordersProjection,
  orderItemsProjection,
  paymentsProjection,
  inventoryAuditProjection,
];

export const PROJECTION_NAMES = PROJECTIONS.map((p) => p.name);

export function projectionsNamed(names?: readonly string[]): Projection[] {
  if (!names || names.length === 0) return [...PROJECTIONS];
  const unknown = names.filter((n) => !PROJECTION_NAMES.includes(n as Projection['name']));
  if (unknown.length > 0) {
    throw new RangeError(
      `unknown projection ${unknown.join(', ')}; known: ${PROJECTION_NAMES.join(', ')}`,
    );
  }
  return PROJECTIONS.filter((p) => names.includes(p.name));
}
