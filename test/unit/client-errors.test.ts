/**
 * Requests Node's HTTP parser refuses before Express runs are answered as RFC 9457 problems
 * (api/client-errors.ts), on a real server over a real socket: found by the OpenAPI fuzz, which
 * sent a 10,000-character query and got a bare 431.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerClientErrorsAsProblems } from '../../api/client-errors';

/** Sends `raw` and returns everything the server wrote before it closed the connection. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('utf8')));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

function parse(response: string) {
  const [head, body] = response.split('\r\n\r\n', 2) as [string, string];
  const [statusLine, ...headers] = head.split('\r\n');
  const header = (name: string) =>
    headers
      .find((h) => h.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  return { statusLine, header, body: JSON.parse(body) as Record<string, unknown>, rawBody: body };
}

describe('requests the HTTP parser refuses', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    answerClientErrorsAsProblems(server, (code) => `https://hukou.test/problems/${code}`);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when the request line is longer than the server accepts, then the answer is a 431 problem naming the limit', async () => {
    const res = parse(
      await exchange(port, `GET /api/v1/access-records?caseId=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`),
    );
    assert.equal(res.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
    assert.match(res.header('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(Number(res.header('content-length')), Buffer.byteLength(res.rawBody));
    assert.equal(res.body.status, 431);
    assert.equal(res.body.type, 'https://hukou.test/problems/headers-too-large');
    assert.match(String(res.body.detail), /16 KB/);
  });

  it('when what arrives is not HTTP, then the answer is a 400 problem', async () => {
    const res = parse(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'));
    assert.equal(res.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.match(res.header('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(res.body.status, 400);
    assert.equal(res.body.type, 'https://hukou.test/problems/malformed-request');
  });

  it('when a request is well formed, then the server answers it as before', async () => {
    const got = await exchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 200 OK/);
    assert.match(got, /\r\n\r\nok$/);
  });
});
