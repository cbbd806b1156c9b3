/**
 * The configured data keys: the current one (and the current suite) seals, every configured key
 * opens, so keys can be rotated without re-sealing everything at once. A key id travels in every
 * sealed value; a value sealed with a key that is no longer configured cannot be opened.
 *
 * Configuration form, comma-separated: `<id>:<base64 of 32 bytes>` or just the base64, whose id
 * is then the first 16 hex digits of its SHA-256 (the payload codec's ids before issue 15).
 */
import { createHash } from 'node:crypto';
import { CIPHER_SUITES, KeyNotConfiguredError, SealError, isSuiteId, type SuiteId } from './cipher-suites';

export interface DataKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** One configured key from its text form; throws a message fit for a configuration error. */
export function parseDataKey(text: string): DataKey {
  const colon = text.indexOf(':');
  const [id, base64] = colon > 0 ? [text.slice(0, colon), text.slice(colon + 1)] : [undefined, text];
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('each key must be 32 bytes, base64-encoded (optionally prefixed by "<id>:")');
  if (id !== undefined && !KEY_ID.test(id)) throw new Error('a key id is 1–32 letters, digits, "-" or "_"');
  return { id: id ?? createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** A sealed value in parts: the bytes are `iv | ciphertext | tag` of `suite` under key `keyId`. */
export interface SealedParts {
  suite: SuiteId;
  keyId: string;
  body: Buffer;
}

export const SEAL_VERSION = 'v1';

/** The authenticated header: version, suite and key id, so none of them can be swapped. */
export const sealHeader = (suite: SuiteId, keyId: string) => Buffer.from(`${SEAL_VERSION}:${suite}:${keyId}:`, 'utf8');

export class Keyring {
  readonly current: DataKey;
  private readonly byId: Map<string, Buffer>;

  constructor(
    keys: readonly DataKey[],
    readonly suite: SuiteId,
  ) {
    if (keys.length === 0) throw new Error('a keyring needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map();
    for (const k of keys) {
      const known = this.byId.get(k.id);
      if (known && !known.equals(k.key)) throw new Error(`two different keys share the id ${k.id}`);
      this.byId.set(k.id, k.key);
    }
  }

  static fromConfig(texts: readonly string[], suite: SuiteId): Keyring {
    return new Keyring(texts.map(parseDataKey), suite);
  }

  hasKey(id: string): boolean {
    return this.byId.has(id);
  }

  seal(plain: Buffer): SealedParts {
    const { id, key } = this.current;
    return { suite: this.suite, keyId: id, body: CIPHER_SUITES[this.suite].seal(key, sealHeader(this.suite, id), plain) };
  }

  /** Opens with the suite and key the value names, whatever the current ones are. */
  open(parts: SealedParts): Buffer {
    if (!isSuiteId(parts.suite)) throw new SealError(`unknown cipher suite ${String(parts.suite)}`);
    const key = this.byId.get(parts.keyId);
    if (!key) throw new KeyNotConfiguredError(parts.keyId);
    return CIPHER_SUITES[parts.suite].open(key, sealHeader(parts.suite, parts.keyId), parts.body);
  }

  /** True when a value was sealed with something other than the current key and suite (rotation). */
  isStale(parts: Pick<SealedParts, 'suite' | 'keyId'>): boolean {
    return parts.suite !== this.suite || parts.keyId !== this.current.id;
  }
}
