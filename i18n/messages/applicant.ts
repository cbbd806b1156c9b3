/** The applicant portal's words (web/pages/applicant.pages.ts). See i18n/messages.ts. */
import type { Catalogue } from './catalogue';

export const zhCN = {} as const;

export const en: Catalogue<typeof zhCN> = {};
