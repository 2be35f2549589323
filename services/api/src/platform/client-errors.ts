// Requests Node's HTTP parser refuses before Express sees them are answered here, as problems like
// every other refusal, instead of Node's bare status line with no body: headers and URL together
// past `maxHeaderSize` (16 KiB unless `--max-http-header-size` says otherwise), or a request that
// is not HTTP at all.
import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errors } from './errors.js';
import type { Logger } from './logger.js';
import type { Problem } from './problem.js';

interface ParserError extends Error {
  code?: string;
}

/** Node's own mark of a socket whose response has begun: then not even a status line can follow. */
interface SocketWithResponse extends Duplex {
  _httpMessage?: { headersSent?: boolean } | null;
}

export function answerClientErrorsAsProblems(server: Server, logger: Logger): void {
  server.on('clientError', (error: ParserError, socket: SocketWithResponse) => {
    // A peer that reset the connection, or one already being answered, gets nothing more.
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const problem = problemFor(error, maxHeaderSize);
    const requestId = randomUUID();
    logger.info({ reqId: requestId, code: problem.code, status: problem.status, parserCode: error.code }, 'request refused before routing');
    socket.end(rawResponse(problem, requestId));
  });
}

function problemFor(error: ParserError, limitBytes: number): Problem {
  // The URL counts toward the same limit, so a too long URL is a 431 as well.
  if (error.code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge(limitBytes);
  return errors.malformedRequest();
}

/** Written straight to the socket: there is no request object, so no `instance` either. */
function rawResponse(problem: Problem, requestId: string): string {
  const { instance: _instance, ...document } = problem.toJSON(requestId, '');
  const body = JSON.stringify(document);
  const headers = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Bad Request'}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}
