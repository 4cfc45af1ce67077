import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { refuseUnparsedRequest } from '../../api/http/client-error';
import { createLogger } from '../../infra/log';

const refuse = refuseUnparsedRequest(createLogger({ level: 'silent' }));

/** A connection that keeps what is written to it. */
function connection() {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      done();
    },
  });
  const text = () => Buffer.concat(written).toString();
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, text, closed };
}

const parserError = (code: string, reason?: string) =>
  Object.assign(new Error(reason ?? code), { code, reason });

describe('requests that the HTTP parser refuses', () => {
  it.each([
    ['HPE_INVALID_HEADER_TOKEN', 400, 'VALIDATION_FAILED'],
    ['HPE_HEADER_OVERFLOW', 431, 'VALIDATION_FAILED'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'VALIDATION_FAILED'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'PAYLOAD_TOO_LARGE'],
  ])(
    'When the parser reports %s, then the answer is %d %s as JSON, and the connection is closed',
    async (code, status, errorCode) => {
      const { socket, text, closed } = connection();
      refuse(parserError(code, 'Invalid header token'), socket);
      await closed;
      const [head = '', body = ''] = text().split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}(\r\n|$)/);
      expect(head).toMatch(/\r\nConnection: close(\r\n|$)/);
      expect(head).toContain(`\r\nContent-Length: ${Buffer.byteLength(body)}`);
      expect(JSON.parse(body)).toEqual({
        error: { code: errorCode, message: expect.any(String), details: {} },
      });
    },
  );

  it('When the parser gives a reason, then the message carries it', async () => {
    const { socket, text, closed } = connection();
    refuse(parserError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char'), socket);
    await closed;
    expect(text()).toContain('"the request is not valid HTTP/1.1: Invalid header value char"');
  });

  it('When the client reset the connection, then nothing is written and it is closed', async () => {
    const { socket, text, closed } = connection();
    refuse(parserError('ECONNRESET'), socket);
    await closed;
    expect(text()).toBe('');
  });

  it('When the connection cannot be written to, then it is closed without an answer', async () => {
    const { socket, text, closed } = connection();
    socket.end();
    refuse(parserError('HPE_INVALID_METHOD'), socket);
    await closed;
    expect(text()).toBe('');
  });

  it('When an earlier request on the connection is still being answered, then the refusal waits for that answer and comes after it', async () => {
    const { socket, text, closed } = connection();
    const earlier = Object.assign(new EventEmitter(), { writableFinished: false });
    Object.assign(socket, { _httpMessage: earlier });
    refuse(parserError('HPE_INVALID_METHOD'), socket);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text()).toBe('');
    // The earlier answer goes out whole; Node then takes it off the socket.
    socket.write('HTTP/1.1 201 Created\r\n\r\n');
    earlier.writableFinished = true;
    Object.assign(socket, { _httpMessage: null });
    earlier.emit('finish');
    await closed;
    expect(text()).toMatch(/^HTTP\/1\.1 201 Created\r\n\r\nHTTP\/1\.1 400 Bad Request/);
  });
});
