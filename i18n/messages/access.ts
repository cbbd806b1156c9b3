/** Words of the access-record pages (issue 15 part 3) and the auditor's and operator's homes. See i18n/messages.ts. */
import type { Catalogue } from './catalogue';

export const zhCN = {
  roleAuditor: '审计人员',
  roleOperator: '运维人员',
  navAccessRecords: '查询留痕',
  accessTitle: '查询留痕',
  accessIntro:
    '按受理编号（或案件 ID）或用户查看谁在何时、以何种方式、为何查看了案件。每条记录都带有当日上一条记录的 SM3哈希值。',
  accessCaseId: '受理编号或案件 ID',
  accessNotACase: '请填写受理编号（如 HK-2026-000005）或案件 ID',
  accessUserId: '用户 ID',
  accessSearch: '查询',
  accessNeedOne: '请填写受理编号、案件 ID 或用户 ID。',
  accessNone: '没有符合条件的查询记录。',
  accessAt: '时间',
  accessWho: '查看人',
  accessView: '查看内容',
  accessCases: '案件',
  accessPurpose: '事由',
  accessVia: '渠道',
  accessHash: '哈希值',
  accessMore: '更早的记录',
  accessMoreCases: '等{n}件',
  operatorTitle: '运维人员',
  operatorText: '运维人员在 Temporal 界面中查看案件的工作流历史；界面通过本系统的解码服务解密载荷，每次解码都会留痕。',
  operatorNoUi: '未配置 Temporal 界面地址（TEMPORAL_UI_URL）。',
  operatorOpenUi: '打开 Temporal 界面',
} as const;

export const en: Catalogue<typeof zhCN> = {
  roleAuditor: 'Auditor',
  roleOperator: 'Operator',
  navAccessRecords: 'Access records',
  accessTitle: 'Access records',
  accessIntro:
    'Who viewed a case, when, how and why, by case number (or case id) or by user. Each record carries the SM3 hash of the day’s previous record.',
  accessCaseId: 'Case number or case id',
  accessNotACase: 'Enter a case number (such as HK-2026-000005) or a case id',
  accessUserId: 'User id',
  accessSearch: 'Search',
  accessNeedOne: 'Enter a case number, a case id or a user id.',
  accessNone: 'No access records match.',
  accessAt: 'When',
  accessWho: 'Who',
  accessView: 'What',
  accessCases: 'Cases',
  accessPurpose: 'Purpose',
  accessVia: 'Via',
  accessHash: 'Hash',
  accessMore: 'Older records',
  accessMoreCases: '({n} in all)',
  operatorTitle: 'Operator',
  operatorText:
    'Operators read a case’s workflow history in the Temporal UI, which decrypts payloads through this system’s codec server; every decode is recorded.',
  operatorNoUi: 'No Temporal UI address is configured (TEMPORAL_UI_URL).',
  operatorOpenUi: 'Open the Temporal UI',
};
