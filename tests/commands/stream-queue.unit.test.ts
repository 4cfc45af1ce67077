import type { EventStore } from '../../commands/ports';
import { inStreamOrder } from '../../commands/stream-queue';

const store = {} as EventStore;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inStreamOrder', () => {
  it('When commands on one stream overlap, then each starts only after the one before it ended, even when that one failed', async () => {
    const log: string[] = [];
    const command =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      inStreamOrder(store, 'order-1', command('a')),
      inStreamOrder(store, 'order-1', command('b', true)),
      inStreamOrder(store, 'order-1', command('c')),
    ]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('When commands are on different streams or stores, then they run at once', async () => {
    const log: string[] = [];
    const command = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([
      inStreamOrder(store, 'order-1', command('a')),
      inStreamOrder(store, 'order-2', command('b')),
      inStreamOrder({} as EventStore, 'order-1', command('c')),
    ]);
    expect(log.slice(0, 3)).toEqual(['a start', 'b start', 'c start']);
  });
});
