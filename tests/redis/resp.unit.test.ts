import { ReplyError } from 'ioredis';
import { parseReply } from '../../infra/redis/resp';

const wire = Buffer.from(
  '*5\r\n$7\r\nRESERVE\r\n:-42\r\n$-1\r\n*2\r\n+OK\r\n$5\r\n\xc3\xa9t\xc3\xa9\r\n-ERR no\r\n',
  'latin1',
);

describe('RESP replies', () => {
  it('When a whole reply is there, then it reads as text, numbers, nil, nested arrays and errors', () => {
    const parsed = parseReply(wire, 0)!;

    expect(parsed.next).toBe(wire.length);
    const [word, number, nil, nested, error] = parsed.value as unknown[];
    expect([word, number, nil, nested]).toEqual(['RESERVE', -42, null, ['OK', 'été']]);
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as Error).message).toBe('ERR no');
  });

  it('When a reply is cut at any byte, then it is not read until the rest arrives', () => {
    for (let cut = 0; cut < wire.length; cut++) {
      expect(parseReply(wire.subarray(0, cut), 0)).toBeUndefined();
    }
  });

  it('When replies follow each other, then each starts where the last ended', () => {
    const two = Buffer.concat([Buffer.from(':1\r\n'), Buffer.from('$2\r\nhi\r\n')]);

    const first = parseReply(two, 0)!;
    const second = parseReply(two, first.next)!;

    expect([first.value, second.value, second.next]).toEqual([1, 'hi', two.length]);
  });

  it('When integers and lengths are read, then they are exact up to 2^53 and empty arrays are empty', () => {
    const read = (text: string) => parseReply(Buffer.from(text), 0)!.value;

    expect(read(':9007199254740991\r\n')).toBe(Number.MAX_SAFE_INTEGER);
    expect(read(':-0\r\n')).toBe(-0);
    expect(read(':1234567\r\n')).toBe(1234567);
    expect(read('*0\r\n')).toEqual([]);
    expect(read('$0\r\n\r\n')).toBe('');
  });

  it('When an integer holds a character that is not a digit, then it throws', () => {
    expect(() => parseReply(Buffer.from(':12a\r\n'), 0)).toThrow(/not a RESP integer/);
    expect(() => parseReply(Buffer.from('*x\r\n'), 0)).toThrow(/not a RESP integer/);
  });

  it('When the bytes are not RESP, then it throws instead of guessing', () => {
    expect(() => parseReply(Buffer.from('HTTP/1.1 400\r\n'), 0)).toThrow(/not a RESP reply/);
  });
});
