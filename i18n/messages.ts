/**
 * The web pages' words in zh-CN (first) and en: one catalogue beside the codes' labels
 * (i18n/labels.ts, which the notices use too). `en` is typed by the keys of `zh-CN`, so a
 * message missing in one language does not compile. `{name}` placeholders are filled by
 * `message()`; the filled text is escaped by the page like any other value.
 */
import type { Locale } from '../domain/vocabulary';

const zhCN = {
  // ---- layout ----
  service: '户籍落户服务',
  skipToContent: '跳到主要内容',
  navLabel: '主导航',
  errorTitlePrefix: '错误：',
  otherLanguage: 'English',
  signIn: '登录',
  signOut: '退出登录',
  signedInAs: '当前用户：{name}',
  footer: '西安市户籍落户跨部门协同办理平台',
  navMyCases: '我的申请',
  navApply: '申请落户',
  navInbox: '待办事项',
  navWaitlist: '学位候补名单',
  navStuck: '滞留案件',
  roleApplicant: '申请人',
  roleOfficer: '经办人',
  roleSupervisor: '督办人员',
  // ---- home ----
  homeTitle: '户籍落户服务',
  homePageTitle: '首页',
  homeIntro: '在线申请落户（建制镇落户或市辖区积分落户），随时查看办理进度；各部门经办人在此审核办理。',
  homeSignInHint: '申请人、经办人和督办人员均使用统一身份认证账号登录。',
  homeStart: '登录并开始',
  // ---- errors ----
  errorSummaryTitle: '出现问题',
  notFoundTitle: '找不到该页面',
  notFoundText: '如果您输入了网址，请检查是否正确。如果您是从其他页面链接过来的，该内容可能不存在或您无权查看。',
  forbiddenTitle: '您无权执行此操作',
  forbiddenText: '该页面或操作不属于您的账号权限范围。',
  csrfTitle: '表单已失效',
  csrfText: '为保护您的账号，该表单需要重新打开后再提交。请返回上一页，刷新后重试。',
  unavailableTitle: '服务暂时不可用',
  unavailableText: '系统暂时无法处理您的请求，您的数据不会丢失。请稍后重试。',
  serverErrorTitle: '系统出错',
  serverErrorText: '很抱歉，系统出现错误。请稍后重试；如问题持续，请联系客服并提供编号 {requestId}。',
  conflictTitle: '无法完成该操作',
  signInFailedTitle: '登录未完成',
  signInFailedText: '登录没有完成或已被取消。您可以重新登录。',
  signInNotConfigured: '本服务尚未配置统一身份认证（WEB_OIDC_ISSUER）。',
  sessionExpired: '您的登录已过期，请重新登录。',
  backToHome: '返回首页',
  tryAgain: '重新登录',
  // ---- lists ----
  caseNumber: '受理编号',
  caseStatus: '办理状态',
  caseRoute: '落户方式',
  caseSubmitted: '提交日期',
  pagination: '分页',
  nextPage: '下一页',
  applyFilters: '筛选',
  overdue: '已超期',
  dueAt: '办理期限',
  stepStatus: '本部门环节',
  lastProgress: '最近进展',
  waitingOnDepartments: '待办部门',
  myCasesTitle: '我的申请',
  noCasesYet: '您还没有提交过落户申请。',
  inboxTitle: '待办事项',
  inboxEmpty: '目前没有需要本部门办理的案件。',
  stuckTitle: '滞留案件',
  stuckReason: '滞留原因',
  stuckTotal: '共 {total} 件',
} as const;

export type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  service: 'Household settlement',
  skipToContent: 'Skip to main content',
  navLabel: 'Main',
  errorTitlePrefix: 'Error: ',
  otherLanguage: '中文',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  footer: 'Xi’an cross-department household settlement service',
  navMyCases: 'My applications',
  navApply: 'Apply to settle',
  navInbox: 'Inbox',
  navWaitlist: 'School waiting list',
  navStuck: 'Stuck cases',
  roleApplicant: 'Applicant',
  roleOfficer: 'Officer',
  roleSupervisor: 'Supervisor',
  homeTitle: 'Household settlement',
  homePageTitle: 'Start',
  homeIntro:
    'Apply online to settle (town route or points route) and follow your application at any time; the departments’ officers decide their part here.',
  homeSignInHint: 'Applicants, officers and supervisors all sign in with their unified identity account.',
  homeStart: 'Sign in and start',
  errorSummaryTitle: 'There is a problem',
  notFoundTitle: 'Page not found',
  notFoundText:
    'If you typed the web address, check it is correct. If you followed a link, what it points to may not exist or may not be yours to see.',
  forbiddenTitle: 'You cannot do this',
  forbiddenText: 'This page or action is outside what your account may do.',
  csrfTitle: 'This form has expired',
  csrfText: 'To protect your account, the form must be opened again before it is sent. Go back, reload the page and try again.',
  unavailableTitle: 'Service temporarily unavailable',
  unavailableText: 'The system cannot handle your request just now; nothing you entered is lost. Please try again shortly.',
  serverErrorTitle: 'Something went wrong',
  serverErrorText: 'Sorry, something went wrong. Try again later; if it persists, contact us quoting {requestId}.',
  conflictTitle: 'This cannot be done',
  signInFailedTitle: 'Sign-in not completed',
  signInFailedText: 'Sign-in was not completed or was cancelled. You can sign in again.',
  signInNotConfigured: 'Sign-in is not configured for this service (WEB_OIDC_ISSUER).',
  sessionExpired: 'Your sign-in has expired; please sign in again.',
  backToHome: 'Back to the start page',
  tryAgain: 'Sign in again',
  caseNumber: 'Case number',
  caseStatus: 'Status',
  caseRoute: 'Route',
  caseSubmitted: 'Submitted',
  pagination: 'Pages',
  nextPage: 'Next page',
  applyFilters: 'Filter',
  overdue: 'overdue',
  dueAt: 'Due',
  stepStatus: 'Your department’s step',
  lastProgress: 'Last progress',
  waitingOnDepartments: 'Waiting on',
  myCasesTitle: 'My applications',
  noCasesYet: 'You have not applied yet.',
  inboxTitle: 'Inbox',
  inboxEmpty: 'Nothing waits for your department just now.',
  stuckTitle: 'Stuck cases',
  stuckReason: 'Why stuck',
  stuckTotal: '{total} in all',
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
