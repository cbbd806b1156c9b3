/**
 * The text form of a sealed value, as stored in MongoDB fields:
 *
 *   enc:v1:<suite>:<key id>:<base64url of iv | ciphertext | tag>
 *
 * Text rather than BSON binary so that a sealed field can stand wherever a string stood
 * (FerretDB and mongoose Mixed fields included) and is recognisable in a raw dump. The value
 * inside is JSON, so a sealed field can hold a string, a number or a small object.
 */
import { SealError, isSuiteId } from './cipher-suites';
import { SEAL_VERSION, type Keyring, type SealedParts } from './keyring';

const PREFIX = `enc:${SEAL_VERSION}:`;

export const isSealed = (v: unknown): v is string => typeof v === 'string' && v.startsWith(PREFIX);

export function formatSealed(parts: SealedParts): string {
  return `${PREFIX}${parts.suite}:${parts.keyId}:${parts.body.toString('base64url')}`;
}

export function parseSealed(text: string): SealedParts {
  if (!isSealed(text)) throw new SealError('not a sealed value');
  const [suite, keyId, body, ...rest] = text.slice(PREFIX.length).split(':');
  if (!suite || !keyId || body === undefined || rest.length > 0) throw new SealError('malformed sealed value');
  if (!isSuiteId(suite)) throw new SealError(`unknown cipher suite ${suite}`);
  return { suite, keyId, body: Buffer.from(body, 'base64url') };
}

/** Seals any JSON value into its text form. */
export const sealValue = (ring: Keyring, value: unknown): string =>
  formatSealed(ring.seal(Buffer.from(JSON.stringify(value), 'utf8')));

/** Opens a text form sealed by sealValue. */
export const openValue = <T = unknown>(ring: Keyring, text: string): T =>
  JSON.parse(ring.open(parseSealed(text)).toString('utf8')) as T;
