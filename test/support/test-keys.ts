/**
 * Keys for tests that run a production configuration: fixed per label (a failing run is
 * repeatable), yet random-looking, as production requires (config/secret-rules.ts refuses
 * `Buffer.alloc(32, n)`'s one-byte keys).
 */
import { createHash } from 'node:crypto';

/** 32 bytes derived from `label`, base64. */
export const testKey = (label: string | number): string =>
  createHash('sha256').update(`hukou-test-key:${label}`).digest('base64');
