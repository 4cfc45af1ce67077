import {
  fromEventMessage,
  toEventMessage,
  topicsFor,
  UnreadableMessageError,
} from '../../infra/kafka/event-message';
import type { RecordedEvent } from '../../commands/ports';

const event: RecordedEvent = {
  id: '0192f0c4-7a7e-7000-8000-000000000001',
  streamId: 'order-0192f0c4-7a7e-7000-8000-000000000002',
  type: 'OrderPlaced',
  revision: 0n,
  position: 9_007_199_254_740_993n,
  data: { total: 1999, note: 'zürich ✓' },
  metadata: { correlationId: 'req-1', causationId: 'req-1', userId: 'u1' },
  recordedAt: new Date('2026-11-23T04:00:00.123Z'),
};

describe('event messages', () => {
  it('When an event is turned into a message and back, then nothing changes, not even a position past 2^53', () => {
    const message = toEventMessage(event);
    expect(message.key).toBe(event.streamId);
    expect(message.headers).toEqual({
      'event-id': event.id,
      'event-type': 'OrderPlaced',
      'stream-id': event.streamId,
      revision: '0',
      position: '9007199254740993',
    });
    expect(fromEventMessage(Buffer.from(message.value))).toEqual(event);
  });

  it.each([
    ['no value', null],
    ['not JSON', '{oops'],
    ['no type', JSON.stringify({ id: 'x', streamId: 's' })],
    [
      'a float revision',
      JSON.stringify({ ...JSON.parse(toEventMessage(event).value), revision: '1.5' }),
    ],
    [
      'a bad time',
      JSON.stringify({ ...JSON.parse(toEventMessage(event).value), recordedAt: 'soon' }),
    ],
  ])('When a message has %s, then it is unreadable', (_what, value) => {
    expect(() => fromEventMessage(value)).toThrow(UnreadableMessageError);
  });

  it('When topics are named, then they share the prefix', () => {
    expect(topicsFor('t1.')).toEqual({ events: 't1.events', deadLetters: 't1.events.dlq' });
  });
});
