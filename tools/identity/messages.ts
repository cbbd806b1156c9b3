/**
 * The provider's own pages in zh-CN (first) and en. The language comes from `?lang=`, else the
 * person's earlier choice (the language cookie the page's language link sets), else the sign-in
 * request's `ui_locales`, else Accept-Language, else zh-CN.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const MESSAGES = {
  'zh-CN': {
    htmlLang: 'zh-CN',
    otherLocale: 'en',
    otherLocaleName: 'English',
    service: '统一身份认证',
    loginTitle: '登录',
    loginIntro: '请使用您的账号登录，以继续访问“{client}”。',
    username: '用户名',
    password: '密码',
    signIn: '登录',
    loginFailed: '用户名或密码不正确。',
    loginThrottled: '登录失败次数过多，请 15 分钟后再试。',
    errorSummary: '出现问题',
    errorTitlePrefix: '错误：',
    consentTitle: '授权确认',
    consentIntro: '“{client}”请求以您（{name}）的身份访问落户业务系统。',
    consentScopes: '将共享：您的账号标识、姓名、角色、所属部门和管辖区域。',
    consentScopesApplicant: '将共享：您的账号标识、姓名、角色和公民身份号码（用于确认您以本人身份申请落户）。',
    consentScopesStaff: '将共享：您的账号标识、姓名和角色。',
    allow: '同意并继续',
    deny: '取消',
    errorTitle: '无法完成登录',
    errorText: '登录请求已失效或无效，请返回重新开始。',
    logoutTitle: '退出登录',
    logoutText: '是否同时退出统一身份认证？退出后，使用本账号的其他服务也需要重新登录。',
    logoutYes: '是，退出登录',
    logoutNo: '否，保持登录',
  },
  en: {
    htmlLang: 'en',
    otherLocale: 'zh-CN',
    otherLocaleName: '中文',
    service: 'Unified identity sign-in',
    loginTitle: 'Sign in',
    loginIntro: 'Sign in with your account to continue to "{client}".',
    username: 'Username',
    password: 'Password',
    signIn: 'Sign in',
    loginFailed: 'The username or password is not correct.',
    loginThrottled: 'Too many failed sign-ins. Try again in 15 minutes.',
    errorSummary: 'There is a problem',
    errorTitlePrefix: 'Error: ',
    consentTitle: 'Allow access',
    consentIntro: '"{client}" asks to use the settlement service as you ({name}).',
    consentScopes: 'It will receive: your account identifier, name, role, department and the areas you act in.',
    consentScopesApplicant:
      'It will receive: your account identifier, name, role and citizen ID number (to confirm that you apply as yourself).',
    consentScopesStaff: 'It will receive: your account identifier, name and role.',
    allow: 'Allow and continue',
    deny: 'Cancel',
    errorTitle: 'Sign-in could not be completed',
    errorText: 'The sign-in request has expired or is not valid. Go back and start again.',
    logoutTitle: 'Sign out',
    logoutText: 'Sign out of the unified sign-in as well? Other services using this account will then ask you to sign in again.',
    logoutYes: 'Yes, sign me out',
    logoutNo: 'No, stay signed in',
  },
} as const;

export type Messages = (typeof MESSAGES)[Locale];

function pick(candidates: string[]): Locale | undefined {
  for (const c of candidates) {
    const lower = c.trim().toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return undefined;
}

/** The cookie that keeps a language chosen with the page's link for the rest of the sign-in (consent included). */
export const LANG_COOKIE = 'hukou_idp_lang';

/** A `?lang=` value this provider speaks, else undefined. */
export function explicitLocale(lang: unknown): Locale | undefined {
  return typeof lang === 'string' ? pick([lang]) : undefined;
}

export function chooseLocale(opts: { lang?: unknown; chosen?: string; uiLocales?: unknown; acceptLanguage?: string }): Locale {
  const explicit = explicitLocale(opts.lang) ?? explicitLocale(opts.chosen);
  const ui = typeof opts.uiLocales === 'string' ? pick(opts.uiLocales.split(' ')) : undefined;
  const accept = opts.acceptLanguage ? pick(opts.acceptLanguage.split(',').map((p) => p.split(';')[0] ?? '')) : undefined;
  return explicit ?? ui ?? accept ?? 'zh-CN';
}

export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
}
