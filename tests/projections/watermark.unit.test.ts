import type { Checkpoint } from '../../infra/db/checkpoints';
import { watermarkOf } from '../../projections/watermark';

type Row = number | { position: number; recent: number[] };
const cut = (rows: Record<string, Row>): Map<string, Checkpoint> =>
  new Map(
    Object.entries(rows).map(([name, row]) => [
      name,
      typeof row === 'number'
        ? { position: BigInt(row) }
        : { position: BigInt(row.position), recent: row.recent.map((p) => BigInt(p)) },
    ]),
  );
const P = 'projection:orders';

describe("a projection's low-water mark across Kafka partitions", () => {
  it("When every partition has applied what the relay sent there, then the mark is the relay's checkpoint", () => {
    const checkpoints = cut({
      relay: 100,
      'relay#0': 97,
      'relay#1': 100,
      [P]: 100,
      [`${P}#0`]: 97,
      [`${P}#1`]: 100,
    });
    expect(watermarkOf(checkpoints, P)).toBe(100n);
  });

  it("When one partition is behind and the relay's recent positions there reach back to its applied one, then the mark is just before its next event", () => {
    const checkpoints = cut({
      relay: 150_760,
      'relay#0': { position: 150_742, recent: [3, 10, 150_742] },
      'relay#1': { position: 150_760, recent: [0, 150_760] },
      [`${P}#0`]: 10,
      [`${P}#1`]: 150_760,
    });
    // Partition 0 was quiet from position 10 to 150,742: everything before that is applied.
    expect(watermarkOf(checkpoints, P)).toBe(150_741n);
    // A projector that never applied anything in a partition whose list starts at its first event.
    const fresh = cut({ relay: 30, 'relay#4': { position: 30, recent: [0, 12, 30] } });
    expect(watermarkOf(fresh, P)).toBe(11n);
    // Applied older than the relay keeps: only the applied position is known.
    const far = cut({
      relay: 90,
      'relay#0': { position: 90, recent: [60, 75, 90] },
      [`${P}#0`]: 20,
    });
    expect(watermarkOf(far, P)).toBe(20n);
  });

  it('When one partition is behind and nothing more is known, then the mark is its applied position, however far the others went', () => {
    const checkpoints = cut({
      relay: 100,
      'relay#0': 90,
      'relay#1': 100,
      'relay#2': 95,
      [P]: 100,
      [`${P}#0`]: 90,
      [`${P}#1`]: 100,
      [`${P}#2`]: 71,
    });
    // The overall checkpoint says 100: events 72-95 of partition 2 may not be applied.
    expect(watermarkOf(checkpoints, P)).toBe(71n);
  });

  it('When a partition got events but the projector never applied one there, then the mark is 0', () => {
    expect(watermarkOf(cut({ relay: 40, 'relay#3': 12, [`${P}#0`]: 40 }), P)).toBe(0n);
  });

  it("When the projector runs ahead of the relay's checkpoint, then the mark stays at the relay's", () => {
    const checkpoints = cut({ relay: 50, 'relay#0': 50, [`${P}#0`]: 80 });
    expect(watermarkOf(checkpoints, P)).toBe(50n);
  });

  it('When the relay has not published, then the mark is 0; other projections and other names do not count', () => {
    expect(watermarkOf(cut({ [`${P}#0`]: 80 }), P)).toBe(0n);
    const checkpoints = cut({
      relay: 60,
      'relay#0': 60,
      'relay#x': 1,
      [`${P}_items#0`]: 1,
      [`${P}#0`]: 60,
      [`${P}#0#1`]: 1,
    });
    expect(watermarkOf(checkpoints, P)).toBe(60n);
  });
});
