import { evictionRiskOf } from '../../infra/redis';

const info = (maxmemory: number, human: string, policy: string) =>
  `# Memory\r\nused_memory:1015600\r\nmaxmemory:${maxmemory}\r\nmaxmemory_human:${human}\r\nmaxmemory_policy:${policy}\r\n`;

describe("Redis's eviction settings, from INFO memory", () => {
  it.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-ttl'])(
    'When a limit is set and the policy is %s, then the risk names the policy, the limit and the fix',
    (policy) => {
      expect(evictionRiskOf(info(104857600, '100.00M', policy))).toBe(
        `it evicts keys when full (maxmemory-policy ${policy}, maxmemory 100.00M), and would drop ` +
          `stock counts, reservations and Idempotency-Keys: set maxmemory-policy noeviction (or maxmemory 0)`,
      );
    },
  );

  it('When the policy is noeviction, then there is no risk, whatever the limit', () => {
    expect(evictionRiskOf(info(104857600, '100.00M', 'noeviction'))).toBeUndefined();
  });

  it('When there is no limit (maxmemory 0), then there is no risk, whatever the policy', () => {
    expect(evictionRiskOf(info(0, '0B', 'allkeys-lru'))).toBeUndefined();
  });

  it('When the fields are missing (an older or trimmed INFO), then Redis defaults are assumed: no limit', () => {
    expect(evictionRiskOf('# Memory\r\nused_memory:1015600\r\n')).toBeUndefined();
  });
});
