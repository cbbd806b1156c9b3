/**
 * Keyed blind indexes: the value an equality lookup (one open case per person, find by ID
 * number) can compare without the clear value being stored. An HMAC with a key of its own
 * (never a data key), per purpose, so the index of an ID number cannot be matched against the
 * index of a phone number, and over a normalised input, so `11010519491231002x` and
 * `11010519491231002X` are the same person.
 *
 * What it reveals: that two records hold the same value for the same purpose, nothing more
 * without the key. Whoever holds the key can test guesses (ID numbers are a small space), so
 * the key is as secret as the data keys.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { SuiteId } from './cipher-suites';

export const BLIND_INDEX_PURPOSES = ['id-number', 'phone', 'email', 'name'] as const;
export type BlindIndexPurpose = (typeof BLIND_INDEX_PURPOSES)[number];

const NORMALISE: Record<BlindIndexPurpose, (v: string) => string> = {
  // GB 11643: the check character X is written either way; spaces creep in from forms.
  'id-number': (v) => v.replace(/\s+/g, '').toUpperCase(),
  // Digits only, without the +86 / 0086 country prefix.
  phone: (v) => v.replace(/\D+/g, '').replace(/^(0086|86)(?=1\d{10}$)/, ''),
  email: (v) => v.trim().toLowerCase(),
  name: (v) => v.normalize('NFC').replace(/\s+/g, ''),
};

export const normaliseFor = (purpose: BlindIndexPurpose, value: string) => NORMALISE[purpose](value);

export class BlindIndex {
  private readonly hash: 'sha256' | 'sm3';
  private readonly keys = new Map<BlindIndexPurpose, Buffer>();

  /** `suite` picks the hash: HMAC-SM3 with the national suite, HMAC-SHA256 with AES. */
  constructor(key: Buffer, suite: SuiteId) {
    if (key.length < 32) throw new Error('a blind-index key must be at least 32 bytes');
    this.hash = suite === 'sm4-ctr-hmac-sm3' ? 'sm3' : 'sha256';
    // One derived key per purpose: the purpose separates the indexes even for equal inputs.
    for (const purpose of BLIND_INDEX_PURPOSES) {
      this.keys.set(purpose, Buffer.from(hkdfSync(this.hash, key, Buffer.alloc(0), `hukou/blind-index/${purpose}`, 32)));
    }
  }

  /** `bi:<hash>:<base64url>`: the hash is named so an index made with another one is never mistaken for a match. */
  of(purpose: BlindIndexPurpose, value: string): string {
    const mac = createHmac(this.hash, this.keys.get(purpose)!).update(normaliseFor(purpose, value), 'utf8').digest('base64url');
    return `bi:${this.hash}:${mac}`;
  }
}
