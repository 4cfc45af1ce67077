import { ValidationError } from '../../domain/errors';
import { checkStreamId, serializeEvents } from '../../infra/eventstore/serialize';

describe('event serialization', () => {
  it('When an event has no id, then it gets a UUIDv7', () => {
    const [e] = serializeEvents([{ type: 'A', data: { a: 1 } }]);
    expect(e!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(e!.data).toBe('{"a":1}');
    expect(e!.metadata).toBe('{}');
  });

  it('When data keys come in some order, then the JSON keeps that order', () => {
    const [e] = serializeEvents([{ type: 'A', data: { z: 1, a: 2, m: { y: 1, b: 2 } } }]);
    expect(e!.data).toBe('{"z":1,"a":2,"m":{"y":1,"b":2}}');
  });

  it.each([
    ['', /non-empty/],
    ['a\nb', /control characters/],
    ['x'.repeat(256), /longer than 255/],
  ])('When the stream id is %p, then it is refused', (id, message) => {
    expect(() => checkStreamId(id)).toThrow(ValidationError);
    expect(() => checkStreamId(id)).toThrow(message);
  });

  it('When data is a class instance, then it is refused (only plain JSON objects travel)', () => {
    expect(() => serializeEvents([{ type: 'A', data: new Date() }])).toThrow(/JSON object/);
  });

  it('When more than 10,000 events come in one append, then it is refused', () => {
    const events = Array.from({ length: 10_001 }, () => ({ type: 'A', data: {} }));
    expect(() => serializeEvents(events)).toThrow(/at most 10000/);
  });
});
