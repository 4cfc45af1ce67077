import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../infra/log';
import { errorBody } from './errors';

type ParserError = Error & { code?: string; reason?: string };

type Refusal = { status: number; code: string; message: string };

/** What Node's HTTP parser refused, in the words and statuses it uses for its own answer. */
function refusalOf(error: ParserError): Refusal {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'VALIDATION_FAILED',
        message: `the request headers are too large: over ${maxHeaderSize / 1024} KiB`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'the chunk extensions of the body are too large',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'VALIDATION_FAILED',
        message: 'the request did not arrive in time',
      };
    default:
      return {
        status: 400,
        code: 'VALIDATION_FAILED',
        message: `the request is not valid HTTP/1.1${error.reason ? `: ${error.reason}` : ''}`,
      };
  }
}

/** There is no ServerResponse for a request Node could not parse: the answer is written raw. */
function rawAnswer(refusal: Refusal, requestId: string): string {
  const json = JSON.stringify(errorBody(refusal.code, refusal.message));
  return [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    `X-Request-Id: ${requestId}`,
    // The parser stops at the error: nothing more can be read from this connection.
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/** The answer on this connection still being written, if any (Node's own default reads it too). */
function answerInFlight(socket: Duplex): ServerResponse | undefined {
  const response = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  return response && !response.writableFinished ? response : undefined;
}

/** How long a refusal waits for the answers before it on the connection. */
const IN_FLIGHT_WAIT_MS = 30_000;

/**
 * Calls `then` once every answer of the requests before the refused one has gone out. A
 * malformed request pipelined after a valid one must not take that one's place: its answer
 * would be read as the valid request's, which may well have placed an order. Answers to
 * pipelined requests go out one after another, so each is waited for in turn.
 */
function afterAnswersInFlight(socket: Duplex, then: () => void): void {
  const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
  const next = () => {
    if (socket.destroyed) return;
    const response = answerInFlight(socket);
    if (!response) return then();
    if (Date.now() > deadline) return void socket.destroy();
    // Node hands the socket to the next queued answer in its own 'finish' listener: look after it.
    response.once('finish', () => setImmediate(next));
  };
  next();
}

/**
 * The server's 'clientError' listener. Requests that Node's parser refuses (a control character
 * in a header value, a malformed header line or request line, headers over the size limit, a
 * request that took too long) never reach the request handler, and Node's default answer is a
 * bare status line: this one is the JSON error body with an X-Request-Id, as every other error.
 * A connection the client reset, or that cannot be written to, is just closed.
 */
export function refuseUnparsedRequest(logger: Logger) {
  return (error: ParserError, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const refusal = refusalOf(error);
    logger.info(
      { status: refusal.status, parserError: error.code, requestId },
      'request refused by the HTTP parser',
    );
    afterAnswersInFlight(socket, () => {
      if (!socket.writable) return void socket.destroy();
      // Closed once the answer is flushed: the client is not trusted to close its end.
      socket.end(rawAnswer(refusal, requestId), () => socket.destroy());
    });
  };
}
