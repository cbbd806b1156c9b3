/**
 * Encrypts every Temporal payload (workflow and activity arguments and results, update and query
 * values) before it leaves the process, so citizen ID numbers, names and addresses never rest in
 * plain text in the Temporal server's history or visibility store. Search attributes are not
 * payloads of this kind and stay readable; they carry no personal data
 * (workflows/search-attributes.ts).
 *
 * The sealing is security/'s (issue 15): the cipher suite is configurable (DATA_CIPHER:
 * AES-256-GCM or SM4-CTR + HMAC-SM3), and each payload names its suite and key, authenticated
 * with the ciphertext, so keys and suites can be rotated: the current key and suite seal, every
 * configured key opens whatever suite sealed it. Two older forms still decode: payloads sealed
 * before issue 15 (`binary/encrypted`, AES-256-GCM with the raw key) and payloads written
 * without encryption (before it was switched on), which are passed through unchanged.
 */
import { createDecipheriv } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { SealError, isSuiteId, type SuiteId } from '../security/cipher-suites';
import { Keyring, parseDataKey, type DataKey } from '../security/keyring';

/** Issue 15's form: metadata names suite and key id; data is the suite's `iv | ciphertext | tag`. */
const SEALED_ENCODING = 'binary/sealed';
const SUITE = 'encryption-suite';
/** Before issue 15: AES-256-GCM under the raw key, `iv | ciphertext | tag`, no associated data. */
const LEGACY_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const LEGACY_IV_BYTES = 12;
const LEGACY_TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export type PayloadKey = DataKey;

/** A key from its configured form (base64 of 32 bytes, optionally `<id>:` first); without an id, its id is a digest. */
export function payloadKey(configured: string): PayloadKey {
  return parseDataKey(configured);
}

/**
 * The plain payload as bytes: a length-prefixed JSON of its metadata (values base64), then its
 * data as is, so the data is not inflated by a second encoding before it is sealed.
 */
function serialize(p: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const head = Buffer.from(JSON.stringify(metadata));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  // Buffer.from: a payload's data has been seen as a plain array of bytes (a workflow's void result).
  return Buffer.concat([length, head, Buffer.from(p.data ?? new Uint8Array())]);
}

function deserialize(b: Buffer): Payload {
  const headEnd = 4 + b.readUInt32BE(0);
  const metadata = JSON.parse(b.subarray(4, headEnd).toString('utf8')) as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(b.subarray(headEnd)),
  };
}

export class EncryptionCodec implements PayloadCodec {
  private readonly ring: Keyring;
  private readonly rawById: Map<string, Buffer>;

  /** `suite` seals new payloads (DATA_CIPHER); every suite opens. */
  constructor(current: PayloadKey, previous: PayloadKey[] = [], suite: SuiteId = 'aes-256-gcm') {
    this.ring = new Keyring([current, ...previous], suite);
    this.rawById = new Map([current, ...previous].map((k) => [k.id, k.key]));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    // Through then(): a failure is a rejected promise, never a synchronous throw.
    return Promise.resolve().then(() =>
      payloads.map((p) => {
        const sealed = this.ring.seal(serialize(p));
        return {
          metadata: { [METADATA_ENCODING_KEY]: utf8(SEALED_ENCODING), [SUITE]: utf8(sealed.suite), [KEY_ID]: utf8(sealed.keyId) },
          data: new Uint8Array(sealed.body),
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((p) => {
        const encoding = text(p.metadata?.[METADATA_ENCODING_KEY]);
        if (encoding === SEALED_ENCODING) return this.openSealed(p);
        if (encoding === LEGACY_ENCODING) return this.openLegacy(p);
        return p;
      }),
    );
  }

  private keyMissing(id: string): Error {
    return new Error(`payload encrypted with key ${id}, which is not configured (PAYLOAD_ENCRYPTION_KEYS)`);
  }

  private openSealed(p: Payload): Payload {
    const suite = text(p.metadata?.[SUITE]) ?? '';
    const keyId = text(p.metadata?.[KEY_ID]) ?? '';
    if (!isSuiteId(suite)) throw new SealError(`payload sealed with unknown cipher suite ${suite}`);
    if (!this.ring.hasKey(keyId)) throw this.keyMissing(keyId);
    return deserialize(this.ring.open({ suite, keyId, body: Buffer.from(p.data ?? new Uint8Array()) }));
  }

  private openLegacy(p: Payload): Payload {
    const id = text(p.metadata?.[KEY_ID]) ?? '';
    const key = this.rawById.get(id);
    if (!key) throw this.keyMissing(id);
    const sealed = Buffer.from(p.data ?? new Uint8Array());
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, LEGACY_IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - LEGACY_TAG_BYTES));
    return deserialize(
      Buffer.concat([decipher.update(sealed.subarray(LEGACY_IV_BYTES, sealed.length - LEGACY_TAG_BYTES)), decipher.final()]),
    );
  }
}

/**
 * The data converter of every Temporal client and worker of this app: `keys` is the configured
 * PAYLOAD_ENCRYPTION_KEYS (current first), `suite` DATA_CIPHER; no keys means payloads travel
 * unencrypted (allowed only outside production, see config.ts).
 */
export function dataConverterFor(keys: readonly string[], suite: SuiteId = 'aes-256-gcm'): { payloadCodecs: PayloadCodec[] } {
  if (keys.length === 0) return { payloadCodecs: [] };
  const [current, ...previous] = keys.map(payloadKey);
  return { payloadCodecs: [new EncryptionCodec(current!, previous, suite)] };
}
