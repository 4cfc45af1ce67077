import type { RecordedEvent } from '../../commands/ports';
import type { Projection, Row } from '../../projections';

/** The rows `projection` writes for `events`, folding each event as its writer does. */
export function projectedRows(projection: Projection, events: RecordedEvent[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const e of events) {
    if (!projection.handles.has(e.type)) continue;
    const g = projection.group(e);
    groups.set(g, projection.evolve(e, groups.get(g) ?? []));
  }
  return [...groups.values()].flat();
}
