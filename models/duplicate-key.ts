/**
 * MongoDB's (and FerretDB's) answer to an insert or upsert that hits a unique index: error code
 * 11000. Idempotency in this house rests on unique business keys (no transactions on FerretDB
 * v1), so "someone already wrote this" is an expected outcome that callers test for by name.
 */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * A bulk write whose only failures are duplicate keys: what an unordered insert of deterministic
 * ids meets when a retry finds some of its records written by an earlier attempt (the rest are
 * inserted all the same). Anything else — another error beside them, a write concern error — is not.
 */
export function onlyDuplicateKeys(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { writeErrors?: unknown; result?: { getWriteConcernError?: () => unknown } };
  if (e.result?.getWriteConcernError?.()) return false;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors === undefined ? [] : [e.writeErrors];
  return writeErrors.length > 0 ? writeErrors.every(isDuplicateKey) : isDuplicateKey(err);
}
