/**
 * The request body's bytes as received, kept by the JSON parser for the routes that verify a
 * signature over them (the SMS receipts' HMAC): re-serialising the parsed JSON would not give
 * the same bytes.
 */
import type { IncomingMessage } from 'node:http';

const RAW = new WeakMap<IncomingMessage, Buffer>();

/** express.json's `verify` hook. */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  RAW.set(req, buf);
}

export function rawBodyOf(req: IncomingMessage): Buffer {
  return RAW.get(req) ?? Buffer.alloc(0);
}
