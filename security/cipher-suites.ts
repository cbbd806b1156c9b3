/**
 * The two cipher suites personal data is sealed with (issue 15): AES-256-GCM, and the national
 * algorithms SM4 + SM3 that a 密评 (GB/T 39786) assessment asks for. Node's OpenSSL has no
 * SM4-GCM, so the SM suite is SM4-CTR with HMAC-SM3, encrypt-then-MAC.
 *
 * A suite never sees a configured key directly: it derives its own encryption key and, where it
 * has one, a separate MAC key from the 32-byte master key by HKDF (over SHA-256 or SM3), with
 * the suite's name in the info. The same master key can therefore serve either suite, and no
 * derived key is ever used for two purposes.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SUITE_IDS = ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const;
export type SuiteId = (typeof SUITE_IDS)[number];

export const isSuiteId = (s: string): s is SuiteId => (SUITE_IDS as readonly string[]).includes(s);

/** What a suite's output is authenticated with besides its own bytes: version, suite and key id. */
export interface CipherSuite {
  id: SuiteId;
  /** `iv | ciphertext | tag`; `header` is authenticated, not encrypted. */
  seal(master: Buffer, header: Buffer, plain: Buffer): Buffer;
  /** Throws when the body was altered, the header differs, or the key is not the sealing one. */
  open(master: Buffer, header: Buffer, body: Buffer): Buffer;
}

/** Thrown for anything that does not open: never says which check failed (no oracle). */
export class SealError extends Error {
  override name = 'SealError';
}

/** A value sealed with a key this process is not configured with: an operator's mistake, not the data's. */
export class KeyNotConfiguredError extends SealError {
  override name = 'KeyNotConfiguredError';
  constructor(readonly keyId: string) {
    super(`sealed with key ${keyId}, which is not configured`);
  }
}

/**
 * Derived keys by master key, then by hash, info and length: every sealed field and payload is
 * sealed or opened with one, and deriving it again each time was a measurable share of the API's
 * and the worker's CPU. Keyed by the master key's Buffer, so a key no longer configured goes with it.
 */
const derived = new WeakMap<Buffer, Map<string, Buffer>>();

function derive(hash: 'sha256' | 'sm3', master: Buffer, info: string, bytes: number): Buffer {
  let keys = derived.get(master);
  if (!keys) derived.set(master, (keys = new Map()));
  const id = `${hash}|${bytes}|${info}`;
  let key = keys.get(id);
  if (!key) keys.set(id, (key = Buffer.from(hkdfSync(hash, master, Buffer.alloc(0), info, bytes))));
  return key;
}

const AES_IV = 12;
const AES_TAG = 16;

const aes256gcm: CipherSuite = {
  id: 'aes-256-gcm',
  seal(master, header, plain) {
    const iv = randomBytes(AES_IV);
    const cipher = createCipheriv('aes-256-gcm', derive('sha256', master, 'hukou/aes-256-gcm/enc', 32), iv);
    cipher.setAAD(header);
    return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  },
  open(master, header, body) {
    if (body.length < AES_IV + AES_TAG) throw new SealError('sealed value too short');
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        derive('sha256', master, 'hukou/aes-256-gcm/enc', 32),
        body.subarray(0, AES_IV),
      );
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(body.length - AES_TAG));
      return Buffer.concat([decipher.update(body.subarray(AES_IV, body.length - AES_TAG)), decipher.final()]);
    } catch {
      throw new SealError('sealed value does not open (altered, or another key)');
    }
  },
};

const SM4_IV = 16;
const SM3_TAG = 32;
const sm4Keys = (master: Buffer) => ({
  enc: derive('sm3', master, 'hukou/sm4-ctr/enc', 16),
  mac: derive('sm3', master, 'hukou/hmac-sm3/mac', 32),
});
const sm3Mac = (key: Buffer, header: Buffer, ivAndCiphertext: Buffer) =>
  createHmac('sm3', key).update(header).update(ivAndCiphertext).digest();

const sm4CtrHmacSm3: CipherSuite = {
  id: 'sm4-ctr-hmac-sm3',
  seal(master, header, plain) {
    const keys = sm4Keys(master);
    const iv = randomBytes(SM4_IV);
    const cipher = createCipheriv('sm4-ctr', keys.enc, iv);
    const ivAndCiphertext = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    return Buffer.concat([ivAndCiphertext, sm3Mac(keys.mac, header, ivAndCiphertext)]);
  },
  open(master, header, body) {
    if (body.length < SM4_IV + SM3_TAG) throw new SealError('sealed value too short');
    const keys = sm4Keys(master);
    const ivAndCiphertext = body.subarray(0, body.length - SM3_TAG);
    // Verify before decrypting (encrypt-then-MAC): an altered value is never deciphered.
    if (!timingSafeEqual(sm3Mac(keys.mac, header, ivAndCiphertext), body.subarray(body.length - SM3_TAG))) {
      throw new SealError('sealed value does not open (altered, or another key)');
    }
    const decipher = createDecipheriv('sm4-ctr', keys.enc, ivAndCiphertext.subarray(0, SM4_IV));
    return Buffer.concat([decipher.update(ivAndCiphertext.subarray(SM4_IV)), decipher.final()]);
  },
};

export const CIPHER_SUITES: Readonly<Record<SuiteId, CipherSuite>> = {
  'aes-256-gcm': aes256gcm,
  'sm4-ctr-hmac-sm3': sm4CtrHmacSm3,
};
