/**
 * Requests Node's HTTP parser refuses before Express sees them (a request line and headers above
 * its 16 KB limit, a malformed request, a client too slow to send its headers) are answered as
 * RFC 9457 problems too: Node's own answer is a bare status with no body, which a client of an
 * API whose every error is `application/problem+json` cannot read (the OpenAPI fuzz found a
 * 10,000-character query answered that way).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemTypeUri } from './problem';

interface ParseProblem {
  status: number;
  title: string;
  type: string;
  detail: string;
}

/** The problem for a parser error, by Node's error code; the same statuses Node itself would send. */
export function parseProblemOf(code: string | undefined): ParseProblem {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      title: 'Request Header Fields Too Large',
      type: 'headers-too-large',
      detail: 'The request line and headers together are larger than the server accepts (16 KB); shorten the URL or the headers',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, title: 'Request Timeout', type: 'request-timeout', detail: 'The request did not arrive in time' };
  return { status: 400, title: 'Bad Request', type: 'malformed-request', detail: 'The request is not valid HTTP/1.1' };
}

/** The whole HTTP response for a parser error, connection closed after it. */
export function parseProblemResponse(code: string | undefined): string {
  const p = parseProblemOf(code);
  const body = JSON.stringify({ type: problemTypeUri(p.type), title: p.title, status: p.status, detail: p.detail });
  return [
    `HTTP/1.1 ${p.status} ${p.title}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers the server's parser errors as problems instead of Node's bare status line. */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client already dropped, or one a response is already being written on.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    socket.end(parseProblemResponse(err.code));
  });
}
