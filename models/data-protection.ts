/**
 * The data protection every model of this process seals and opens personal fields with (issue
 * 15): built once, from the configuration, on first use. Start-up has validated the
 * configuration already (config.ts refuses production without DATA_ENCRYPTION_KEYS and
 * BLIND_INDEX_KEY), so the lazy build never meets a missing production key first.
 */
import { loadConfig } from '../config/config';
import { dataProtectionFor, type DataProtection } from '../security/data-protection';

let current: DataProtection | undefined;

export function dataProtection(): DataProtection {
  return (current ??= dataProtectionFor(loadConfig()));
}

/** Replaces the process's data protection (tests of other keys or suites, key rotation). */
export function useDataProtection(dp: DataProtection): void {
  current = dp;
}
