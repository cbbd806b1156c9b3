/**
 * One Idempotency-Key, one request (IETF draft "The Idempotency-Key HTTP Header Field" §2.7: a
 * key reused with another payload is a 422). A case's Updates take the key as their Update id, so
 * Temporal answers a retry with the first call's result; but it does so for any body, so
 * "extend by 5 days" sent with the key of an earlier "extend by 1 day" answered 200 and applied
 * nothing. The first use of a key records a hash of what it asked; a later use compares.
 */
import { createHash } from 'node:crypto';
import { isDuplicateKey } from '../models/duplicate-key';
import { requestFingerprintModel } from '../models/request-fingerprint.model';
import { shanghaiToday } from '../domain/shanghai-clock';
import type { AppDeps } from './deps';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with every object's keys sorted: two clients' equal bodies hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface RequestFingerprint {
  id: string;
  requestHash: string;
}

/** `scope` says whose key (caller and key); `payload` what it asked (the call and its input). */
export function fingerprintOf(scope: readonly string[], payload: unknown): RequestFingerprint {
  return { id: sha256(scope.join('\u0000')), requestHash: sha256(canonicalJson(payload)) };
}

/**
 * `first`: the key's first use (recorded); `same`: a repeat of that request; `different`: the key
 * was used for another request.
 */
export async function noteRequestFingerprint(
  deps: Pick<AppDeps, 'mongo'>,
  fp: RequestFingerprint,
): Promise<'first' | 'same' | 'different'> {
  const model = requestFingerprintModel(deps.mongo);
  // A record freed between our insert and our read (its first request was refused) is taken again.
  for (let attempt = 0; ; attempt++) {
    try {
      const now = new Date();
      await model.create({ _id: fp.id, requestHash: fp.requestHash, createdAt: now, day: shanghaiToday(now) });
      return 'first';
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
    const doc = await model.findById(fp.id).lean();
    if (doc) return doc.requestHash === fp.requestHash ? 'same' : 'different';
  }
}

/**
 * A first request refused as invalid applied nothing, and the same body would be refused again:
 * its key is free for a corrected request.
 */
export async function forgetRequestFingerprint(deps: Pick<AppDeps, 'mongo'>, fp: RequestFingerprint): Promise<void> {
  await requestFingerprintModel(deps.mongo).deleteOne({ _id: fp.id, requestHash: fp.requestHash });
}
