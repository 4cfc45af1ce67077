import type { Batch, Consumer } from 'kafkajs';

/**
 * After a batch's effects are durable: commit its offsets, then move the fetch position on
 * (with eachBatchAutoResolve off, kafkajs fetches an unresolved batch again), then heartbeat.
 */
export async function batchDone(
  consumer: Consumer,
  batch: Batch,
  resolveOffset: (offset: string) => void,
  heartbeat: () => Promise<void>,
): Promise<void> {
  const last = batch.messages[batch.messages.length - 1];
  if (!last) return;
  await consumer.commitOffsets([
    {
      topic: batch.topic,
      partition: batch.partition,
      offset: (BigInt(last.offset) + 1n).toString(),
    },
  ]);
  resolveOffset(last.offset);
  await heartbeat();
}
