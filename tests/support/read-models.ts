import { groupId, PROJECTION_NAMES } from '../../projections';
import { testKafka } from './kafka';
import type { Admin } from 'kafkajs';
import type { Knex } from 'knex';

export { readModelSnapshot as readModels } from '../../projections';

/**
 * Waits until the relay has published the event store's head and every projector's consumer
 * group has committed every message of every partition (or throws after `ms`).
 */
export async function caughtUp(
  db: Knex,
  topicPrefix: string,
  options: { relay?: boolean; ms?: number; brokers?: string[] } = {},
): Promise<void> {
  const ms = options.ms ?? 30_000;
  const admin = testKafka('test-lag', options.brokers).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const [[head]] = (await db.raw('SELECT last_position AS p FROM es_global WHERE id = 1')) as [
        { p: string }[],
      ];
      const relay = await db('checkpoints').where({ name: 'relay' }).first();
      let behind = options.relay !== false && (!relay || BigInt(relay.position) < BigInt(head!.p));
      if (!behind) behind = await projectorsBehind(admin, topicPrefix);
      if (!behind) return;
      if (Date.now() > deadline) throw new Error(`the read side did not catch up with ${head!.p}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Whether some projector's group has not committed every message of the events topic. A broker
 * that is still loading its groups (just started or restarted) answers with a retriable error:
 * that counts as behind, and the caller asks again.
 */
async function projectorsBehind(admin: Admin, topicPrefix: string): Promise<boolean> {
  const topic = `${topicPrefix}events`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const name of PROJECTION_NAMES) {
      const [committed] = await admin.fetchOffsets({
        groupId: groupId(topicPrefix, name),
        topics: [topic],
      });
      for (const end of ends) {
        const at = committed?.partitions.find((p) => p.partition === end.partition);
        const offset = at && at.offset !== '-1' ? BigInt(at.offset) : 0n;
        if (offset < BigInt(end.high)) return true;
      }
    }
    return false;
  } catch (error) {
    if ((error as { retriable?: boolean }).retriable === true) return true;
    throw error;
  }
}
