/**
 * The web pages' words in zh-CN (first) and en: one catalogue beside the codes' labels
 * (i18n/labels.ts, which the notices use too). `en` is typed by the keys of `zh-CN`, so a
 * message missing in one language does not compile. `{name}` placeholders are filled by
 * `message()`; the filled text is escaped by the page like any other value.
 */
import type { Locale } from '../domain/vocabulary';
import * as access from './messages/access';
import * as applicant from './messages/applicant';
import * as bulk from './messages/bulk';
import * as common from './messages/common';
import * as dashboard from './messages/dashboard';
import * as officer from './messages/officer';
import * as rounds from './messages/rounds';
import * as supervisor from './messages/supervisor';

// One section per part of the pages, so that parts grow without touching each other; a key
// used twice is a type error below (the sections' keys must not overlap).
type Overlap<A, B> = Extract<keyof A, keyof B>;
const noOverlap: [
  Overlap<typeof common.zhCN, typeof applicant.zhCN>,
  Overlap<typeof common.zhCN, typeof officer.zhCN>,
  Overlap<typeof applicant.zhCN, typeof officer.zhCN>,
  Overlap<typeof common.zhCN, typeof supervisor.zhCN>,
  Overlap<typeof applicant.zhCN, typeof supervisor.zhCN>,
  Overlap<typeof officer.zhCN, typeof supervisor.zhCN>,
  Overlap<typeof bulk.zhCN, typeof common.zhCN & typeof applicant.zhCN & typeof officer.zhCN & typeof supervisor.zhCN>,
  Overlap<
    typeof dashboard.zhCN,
    typeof common.zhCN & typeof applicant.zhCN & typeof officer.zhCN & typeof supervisor.zhCN & typeof bulk.zhCN
  >,
  Overlap<
    typeof rounds.zhCN,
    typeof common.zhCN &
      typeof applicant.zhCN &
      typeof officer.zhCN &
      typeof supervisor.zhCN &
      typeof bulk.zhCN &
      typeof dashboard.zhCN
  >,
  Overlap<
    typeof access.zhCN,
    typeof common.zhCN &
      typeof applicant.zhCN &
      typeof officer.zhCN &
      typeof supervisor.zhCN &
      typeof bulk.zhCN &
      typeof dashboard.zhCN &
      typeof rounds.zhCN
  >,
] extends [never, never, never, never, never, never, never, never, never, never]
  ? true
  : never = true;
void noOverlap;

const zhCN = {
  ...common.zhCN,
  ...applicant.zhCN,
  ...officer.zhCN,
  ...supervisor.zhCN,
  ...bulk.zhCN,
  ...dashboard.zhCN,
  ...rounds.zhCN,
  ...access.zhCN,
};
export type MessageKey = keyof typeof zhCN;
const en: Record<MessageKey, string> = {
  ...common.en,
  ...applicant.en,
  ...officer.en,
  ...supervisor.en,
  ...bulk.en,
  ...dashboard.en,
  ...rounds.en,
  ...access.en,
};

export const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

/** The message `key` in `locale`, `{name}` placeholders filled from `params`. Unknown keys throw. */
export function message(locale: Locale, key: string, params: Readonly<Record<string, unknown>> = {}): string {
  if (!isMessageKey(key)) throw new Error(`no message "${key}"`);
  return MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_m, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : `{${name}}`,
  );
}
