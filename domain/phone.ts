/**
 * A mainland mobile number as people type it: grouped with spaces or hyphens (138 0013 8000),
 * in full-width digits from a Chinese input method (１３８…), or with the country code (+86,
 * 0086). The canonical form is the 11 digits that SMS gateways and the blind index expect
 * (security/blind-index.ts strips the same prefixes).
 */
export function normalizeMobilePhone(raw: string): string {
  const compact = raw.normalize('NFKC').replace(/[\s\-()]/g, '');
  return compact.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
}

export const MOBILE_PHONE = /^1\d{10}$/;
