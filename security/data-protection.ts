/**
 * The process's data protection: the keyring that seals personal fields in MongoDB and the
 * blind index for their equality lookups, built once from configuration (DATA_CIPHER,
 * DATA_ENCRYPTION_KEYS, BLIND_INDEX_KEY).
 *
 * Outside production, unset keys fall back to fixed development keys (id `dev`) so that tests,
 * `npm start` and the benchmarks need no set-up; config.ts refuses production without them.
 * Data sealed with the development key is readable by anyone with this source: never use it
 * for real data.
 */
import { DEVELOPMENT_BLIND_INDEX_KEY, DEVELOPMENT_DATA_KEY } from '../config/development-secrets';
import type { SuiteId } from './cipher-suites';
import { BlindIndex, type BlindIndexPurpose } from './blind-index';
import { Keyring } from './keyring';
import { isSealed, openValue, sealValue } from './sealed-value';

export interface DataProtectionConfig {
  NODE_ENV: 'development' | 'test' | 'production';
  DATA_CIPHER: SuiteId;
  DATA_ENCRYPTION_KEYS: readonly string[];
  BLIND_INDEX_KEY?: string | undefined;
}

export class DataProtection {
  constructor(
    readonly ring: Keyring,
    readonly blindIndex: BlindIndex,
  ) {}

  seal(value: unknown): string {
    return sealValue(this.ring, value);
  }

  /** Opens a sealed text; anything else (a value written before sealing was on) is returned as is. */
  open<T = unknown>(value: unknown): T {
    return (isSealed(value) ? openValue<T>(this.ring, value) : value) as T;
  }

  index(purpose: BlindIndexPurpose, value: string): string {
    return this.blindIndex.of(purpose, value);
  }
}

export function dataProtectionFor(c: DataProtectionConfig): DataProtection {
  if (c.NODE_ENV === 'production' && (c.DATA_ENCRYPTION_KEYS.length === 0 || !c.BLIND_INDEX_KEY)) {
    throw new Error('DATA_ENCRYPTION_KEYS and BLIND_INDEX_KEY are required in production');
  }
  const keys = c.DATA_ENCRYPTION_KEYS.length > 0 ? c.DATA_ENCRYPTION_KEYS : [`dev:${DEVELOPMENT_DATA_KEY}`];
  const blindKey = c.BLIND_INDEX_KEY
    ? Buffer.from(c.BLIND_INDEX_KEY, 'base64')
    : Buffer.from(DEVELOPMENT_BLIND_INDEX_KEY, 'base64');
  return new DataProtection(Keyring.fromConfig(keys, c.DATA_CIPHER), new BlindIndex(blindKey, c.DATA_CIPHER));
}
