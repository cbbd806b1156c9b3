/**
 * MongoDB's (and FerretDB's) answer to an insert or upsert that hits a unique index: error code
 * 11000. Idempotency in this house rests on unique business keys (no transactions on FerretDB
 * v1), so "someone already wrote this" is an expected outcome that callers test for by name.
 */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
