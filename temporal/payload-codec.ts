/**
 * Encrypts every Temporal payload (workflow and activity arguments and results, update and query
 * values) with AES-256-GCM before it leaves the process, so citizen ID numbers, names and
 * addresses never rest in plain text in the Temporal server's history or visibility store.
 * Search attributes are not payloads of this kind and stay readable; they carry no personal data
 * (workflows/search-attributes.ts).
 *
 * Each encrypted payload names the key it was made with, so keys can be rotated: the current key
 * encrypts, every configured key (current and previous) decrypts. Payloads written without
 * encryption (before it was switched on) are passed through unchanged.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** A key from its base64 form (32 bytes); its id is a digest, so configuration needs no id. */
export function payloadKey(base64: string): PayloadKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a payload encryption key must be 32 bytes, base64-encoded');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
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
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly current: PayloadKey,
    previous: PayloadKey[] = [],
  ) {
    this.byId = new Map([current, ...previous].map((k) => [k.id, k.key]));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    // Through then(): a failure is a rejected promise, never a synchronous throw.
    return Promise.resolve().then(() =>
      payloads.map((p) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
        const sealed = Buffer.concat([iv, cipher.update(serialize(p)), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { [METADATA_ENCODING_KEY]: utf8(ENCODING), [KEY_ID]: utf8(this.current.id) },
          data: new Uint8Array(sealed),
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((p) => {
        if (text(p.metadata?.[METADATA_ENCODING_KEY]) !== ENCODING) return p;
        const id = text(p.metadata?.[KEY_ID]) ?? '';
        const key = this.byId.get(id);
        if (!key) throw new Error(`payload encrypted with key ${id}, which is not configured (PAYLOAD_ENCRYPTION_KEYS)`);
        const sealed = Buffer.from(p.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
        return deserialize(plain);
      }),
    );
  }
}

/**
 * The data converter of every Temporal client and worker of this app: `keys` is the configured
 * PAYLOAD_ENCRYPTION_KEYS (current first); none means payloads travel unencrypted (allowed only
 * outside production, see config.ts).
 */
export function dataConverterFor(keys: readonly string[]): { payloadCodecs: PayloadCodec[] } {
  if (keys.length === 0) return { payloadCodecs: [] };
  const [current, ...previous] = keys.map(payloadKey);
  return { payloadCodecs: [new EncryptionCodec(current!, previous)] };
}
