/**
 * The platform's one name, in each locale. The header, the start page, the footer, every letter's
 * sign-off and the sign-in provider's client name all say this, so that an applicant who gets a
 * letter from "西安市落户服务平台" finds a site that calls itself the same (trials found four
 * names). The SMS sign name (policy/sms-templates.json) is separate: a carrier registers it, and
 * it is an abbreviation of this one.
 */
import type { Locale } from '../domain/vocabulary';

export const SERVICE_NAME: Readonly<Record<Locale, string>> = {
  'zh-CN': '西安市落户服务平台',
  en: 'Xi’an Household Settlement Service',
};
