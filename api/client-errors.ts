/**
 * Requests Node's HTTP parser refuses before Express sees them (a request line and headers above
 * its 16 KB limit, a malformed request, a client too slow to send its headers) are answered as
 * RFC 9457 problems too: Node's own answer is a bare status with no body, which a client of an
 * API whose every error is `application/problem+json` cannot read (the OpenAPI fuzz found a
 * 10,000-character query answered that way).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEMS } from '../app/problem-codes';
import { PROBLEM_CONTENT_TYPE, type ProblemTypeUri } from './problem';

interface ParseProblem {
  /** The status line's reason phrase, as Node's own answer has it. */
  reason: string;
  type: 'headers-too-large' | 'request-timeout' | 'malformed-request';
  detail: string;
}

/** The problem for a parser error, by Node's error code; the same statuses Node itself would send. */
export function parseProblemOf(code: string | undefined): ParseProblem {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      reason: 'Request Header Fields Too Large',
      type: 'headers-too-large',
      detail: 'The request line and headers together are larger than the server accepts (16 KB); shorten the URL or the headers',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { reason: 'Request Timeout', type: 'request-timeout', detail: 'The request did not arrive in time' };
  return { reason: 'Bad Request', type: 'malformed-request', detail: 'The request is not valid HTTP/1.1' };
}

/** The whole HTTP response for a parser error, connection closed after it. */
export function parseProblemResponse(code: string | undefined, typeUri: ProblemTypeUri): string {
  const p = parseProblemOf(code);
  const { status, title } = PROBLEMS[p.type];
  const body = JSON.stringify({ type: typeUri(p.type), title: title.en, status, detail: p.detail });
  return [
    `HTTP/1.1 ${status} ${p.reason}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers the server's parser errors as problems instead of Node's bare status line; `typeUri` as the app's (problemTypeUri). */
export function answerClientErrorsAsProblems(server: Server, typeUri: ProblemTypeUri): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client already dropped, or one a response is already being written on.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    socket.end(parseProblemResponse(err.code, typeUri));
  });
}
