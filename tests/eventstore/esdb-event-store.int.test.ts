import { EsdbEventStore } from '../../infra/eventstore';
import { eventStoreContract } from './contract';

const url = process.env.FLASHSALE_ESDB_URL;
const skipReason = process.env.FLASHSALE_ESDB_SKIP_REASON ?? 'no EventStoreDB server was probed';

if (url) {
  describe('EventStoreDB event store', () => {
    describe('contract', () => {
      eventStoreContract(
        () => ({ createStore: () => new EsdbEventStore(url) }),
        'EventStoreDB commits each append at once; there is no transaction to hold open',
      );
    });
  });
} else {
  // Reported as skipped with its reason (printed by tests/support/global-setup.ts), never as passed.
  describe.skip(`EventStoreDB event store (skipped: ${skipReason})`, () => {
    eventStoreContract(() => {
      throw new Error('unreachable');
    });
  });
}
