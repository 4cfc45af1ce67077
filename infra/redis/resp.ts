import { ReplyError } from 'ioredis';

/** A RESP2 reply: bulk and simple strings as text, integers as numbers, nil as null. */
export type Reply = string | number | null | Error | Reply[];

const CR = 13;

/**
 * Reads one reply from `data` at `at`. Returns undefined when the reply is not all there yet
 * (the caller keeps the bytes and tries again with more); bulk lengths count bytes, so text is
 * decoded only once a whole bulk string has arrived.
 */
export function parseReply(data: Buffer, at: number): { value: Reply; next: number } | undefined {
  const eol = data.indexOf(CR, at);
  if (eol === -1 || eol + 1 >= data.length) return undefined;
  const type = data[at];
  switch (type) {
    case 0x2b: // +
      return { value: data.toString('utf8', at + 1, eol), next: eol + 2 };
    case 0x2d: // -
      return { value: new ReplyError(data.toString('utf8', at + 1, eol)), next: eol + 2 };
    case 0x3a: // :
      return { value: readInteger(data, at + 1, eol), next: eol + 2 };
    case 0x24: {
      // $
      const length = readInteger(data, at + 1, eol);
      if (length < 0) return { value: null, next: eol + 2 };
      const start = eol + 2;
      if (data.length < start + length + 2) return undefined;
      return { value: data.toString('utf8', start, start + length), next: start + length + 2 };
    }
    case 0x2a: {
      // *
      const count = readInteger(data, at + 1, eol);
      if (count < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(data, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`not a RESP reply: byte ${type} at ${at}`);
  }
}

/** The decimal integer in `data[from, to)`, read without making a string of it. */
function readInteger(data: Buffer, from: number, to: number): number {
  const negative = data[from] === 0x2d;
  let value = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) throw new Error(`not a RESP integer at ${from}`);
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
