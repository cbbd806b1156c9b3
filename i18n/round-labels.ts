/**
 * The words for the admission rounds' codes (issue 13), a section of i18n/labels.ts kept apart so
 * that the rounds' tables grow without touching the notices' ones. Points indicators are worded
 * as the points policy files word them (policy/points/*.json).
 */
import type { EntryStatus } from '../domain/admission-rounds';
import type { CaseRoundInfo } from '../domain/case-state';
import type { PointsIndicator } from '../domain/points-policy';
import type { Locale } from '../domain/vocabulary';
import type { RoundStage } from '../app/views/round-views';
import type { Objection, RoundEvent } from '../workflows/admission-round/messages';

type Table<K extends string> = Readonly<Record<K, Readonly<Record<Locale, string>>>>;

const pointsIndicator: Table<PointsIndicator> = {
  employment: { 'zh-CN': '合法稳定就业', en: 'Legal stable employment' },
  residence: { 'zh-CN': '合法稳定住所', en: 'Legal stable residence' },
  socialInsurance: { 'zh-CN': '参加城镇社会保险年限', en: 'Years of urban social insurance' },
  continuousResidence: { 'zh-CN': '连续居住年限', en: 'Years of continuous residence' },
  education: { 'zh-CN': '文化程度', en: 'Education level' },
  titleOrSkill: { 'zh-CN': '专业职称（职业技能）', en: 'Professional title (vocational skill)' },
  credit: { 'zh-CN': '个人诚信记录', en: 'Personal credit record' },
};

const roundStage: Table<RoundStage> = {
  upcoming: { 'zh-CN': '尚未开始', en: 'not open yet' },
  open: { 'zh-CN': '受理中', en: 'open' },
  public_notice: { 'zh-CN': '公示中', en: 'public notice' },
  final: { 'zh-CN': '已结束', en: 'ended' },
};

/** An entry once the ranking is final (the notice over). */
const entryStatus: Table<EntryStatus> = {
  admitted: { 'zh-CN': '确定落户', en: 'admitted' },
  not_admitted: { 'zh-CN': '未入围', en: 'not admitted' },
  removed: { 'zh-CN': '经异议核实取消', en: 'removed after an objection' },
  left: { 'zh-CN': '已退出（申请已终结）', en: 'left the round (the application ended)' },
};

/** An entry while the ranking is on public notice: admitted only provisionally (拟落户) until it ends. */
const entryStatusInNotice: Table<EntryStatus> = {
  ...entryStatus,
  admitted: { 'zh-CN': '拟落户', en: 'proposed for admission' },
};

const caseRoundStatus: Table<CaseRoundInfo['status']> = {
  awaiting_announcement: { 'zh-CN': '等待公布下一批次', en: 'waiting for the next round to be announced' },
  waiting: { 'zh-CN': '等待本批次排名', en: 'waiting for the round’s ranking' },
  admitted_provisionally: { 'zh-CN': '拟落户（公示中）', en: 'admitted, subject to the public notice' },
  not_admitted: { 'zh-CN': '本批次未入围', en: 'not admitted in this round' },
  admitted: { 'zh-CN': '已确定落户', en: 'admitted' },
  removed: { 'zh-CN': '经异议核实取消', en: 'removed after an objection' },
  left: { 'zh-CN': '已退出本批次（申请已终结）', en: 'left the round (the application ended)' },
};

const roundEvent: Table<RoundEvent['type']> = {
  opened: { 'zh-CN': '批次开始受理', en: 'round opened' },
  closed: { 'zh-CN': '批次截止', en: 'round closed' },
  published: { 'zh-CN': '排名公示', en: 'ranking published' },
  objection_lodged: { 'zh-CN': '收到异议', en: 'objection lodged' },
  objection_upheld: { 'zh-CN': '异议成立', en: 'objection upheld' },
  objection_dismissed: { 'zh-CN': '异议不成立', en: 'objection dismissed' },
  admitted_next: { 'zh-CN': '依次递补', en: 'next in line admitted' },
  finalised: { 'zh-CN': '公示期满，结果确定', en: 'notice period over, ranking final' },
  left: { 'zh-CN': '案件退出本批次', en: 'a case left the round' },
};

const objectionStatus: Table<Objection['status']> = {
  open: { 'zh-CN': '待处理', en: 'open' },
  upheld: { 'zh-CN': '成立', en: 'upheld' },
  dismissed: { 'zh-CN': '不成立', en: 'dismissed' },
};

export const ROUND_LABELS = {
  pointsIndicator,
  roundStage,
  entryStatus,
  entryStatusInNotice,
  caseRoundStatus,
  roundEvent,
  objectionStatus,
} as const;
