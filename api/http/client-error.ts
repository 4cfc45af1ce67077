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

/**
 * Whether the head of a response on this connection has gone out (a pipelined request was
 * malformed while an earlier one was answered): another answer would corrupt that one. Node's
 * own default answer checks the same field.
 */
function answerStarted(socket: Duplex): boolean {
  const response = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  return response?.headersSent === true;
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
    if (error.code === 'ECONNRESET' || !socket.writable || answerStarted(socket)) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const refusal = refusalOf(error);
    logger.info(
      { status: refusal.status, parserError: error.code, requestId },
      'request refused by the HTTP parser',
    );
    // Closed once the answer is flushed: the client is not trusted to close its end.
    socket.end(rawAnswer(refusal, requestId), () => socket.destroy());
  };
}
