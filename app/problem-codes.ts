/**
 * Every problem type the API answers (RFC 9457), in one place: its HTTP status, a title in each
 * locale (zh-CN first, en second, as i18n/labels.ts keeps its tables) and, in English like every
 * problem's `detail`, when it happens and what a client does about it. `AppError`'s `code` and
 * `HttpProblem`'s `type` are typed by these keys, so an undocumented code does not compile; the
 * API serves each entry at its type URI, `<WEB_BASE_URL>/problems/<code>` (api/problems.router.ts).
 * The slugs are a contract: clients branch on them, so they are never renamed.
 */
import type { Locale } from '../domain/vocabulary';

export interface ProblemEntry {
  readonly status: number;
  readonly title: Readonly<Record<Locale, string>>;
  /** When it happens and what the client should do: one or two English sentences. */
  readonly description: string;
}

export const PROBLEMS = {
  // 400
  'validation-error': {
    status: 400,
    title: { 'zh-CN': '请求内容无效', en: 'Invalid request' },
    description:
      'A body field, query parameter, path parameter or header breaks a rule; `invalidParams` names each one by a JSON pointer. Correct those fields and send the request again.',
  },
  'malformed-json': {
    status: 400,
    title: { 'zh-CN': '请求体不是有效的 JSON', en: 'Malformed JSON body' },
    description: 'The request body could not be parsed as JSON. Send a well-formed JSON document.',
  },
  'bad-path': {
    status: 400,
    title: { 'zh-CN': '请求路径编码无效', en: 'Undecodable request path' },
    description: 'The request path is not valid percent-encoded UTF-8. Percent-encode the path segments as UTF-8.',
  },
  'malformed-request': {
    status: 400,
    title: { 'zh-CN': '请求不是有效的 HTTP', en: 'Malformed HTTP request' },
    description:
      'The server’s HTTP parser refused the request before any route saw it; the connection is closed. Fix the client’s HTTP/1.1 framing.',
  },
  // 401
  unauthorized: {
    status: 401,
    title: { 'zh-CN': '未认证', en: 'Authentication required' },
    description:
      'The Bearer token (or the metrics token) is missing, expired or not accepted; `WWW-Authenticate` says why. Obtain a fresh token and retry.',
  },
  'bad-signature': {
    status: 401,
    title: { 'zh-CN': '回调签名无效', en: 'Callback signature invalid' },
    description: 'A callback’s signature is missing or does not match its body. Sign the exact raw body with the shared secret.',
  },
  'callbacks-disabled': {
    status: 401,
    title: { 'zh-CN': '未启用回调', en: 'Callbacks disabled' },
    description:
      'This deployment takes no such callbacks because their shared secret is not set (REGISTER_CALLBACK_SECRET for register callbacks, SMS_CALLBACK_SECRET for SMS receipts). An operator must configure it before the sender can call back.',
  },
  // 403
  forbidden: {
    status: 403,
    title: { 'zh-CN': '无权执行此操作', en: 'Forbidden' },
    description:
      'The caller is signed in but their role (or origin, for the codec server) may not do this. Use an account of a role the operation lists.',
  },
  'missing-claim': {
    status: 403,
    title: { 'zh-CN': '令牌缺少必要声明', en: 'Token claim missing' },
    description:
      'An officer’s token names no scope (neither `district` nor `town`); `claim` says which claim is needed. Ask the identity provider’s administrator to add it.',
  },
  'wrong-department': {
    status: 403,
    title: { 'zh-CN': '不属于本部门', en: 'Wrong department' },
    description:
      'The step or action belongs to another department than the officer’s. Leave it to an officer of that department.',
  },
  'id-number-unverified': {
    status: 403,
    title: { 'zh-CN': '身份证号未经核验', en: 'ID number not verified' },
    description:
      'Applying needs an account whose citizen ID number the identity provider has verified (token claim `id_number`). Verify the number with the identity provider, or apply at a counter.',
  },
  'not-account-holder': {
    status: 403,
    title: { 'zh-CN': '申请人须为账户本人', en: 'Applicant is not the account holder' },
    description:
      'The applicant named in the application is not the signed-in account holder. Apply for yourself and list family members under `family`.',
  },
  // 404
  'not-found': {
    status: 404,
    title: { 'zh-CN': '未找到', en: 'Not found' },
    description:
      'No such route, case, notice, probe or bulk run — or it is not the caller’s to see (another person’s case, another area’s case answer the same). Check the identifier; do not retry unchanged.',
  },
  'step-not-found': {
    status: 404,
    title: { 'zh-CN': '案件无此环节', en: 'No such step' },
    description: 'The case’s route has no step for the department named. Check the department against the case’s route.',
  },
  'round-not-found': {
    status: 404,
    title: { 'zh-CN': '无此积分落户批次', en: 'No such admission round' },
    description: 'No admission round with this id has been announced. List the rounds (`GET /api/v1/rounds`) for valid ids.',
  },
  'entry-not-found': {
    status: 404,
    title: { 'zh-CN': '排名中无此条目', en: 'No such ranking entry' },
    description: 'The round’s ranking has no entry with this id. Read the round’s published ranking for valid entry ids.',
  },
  'objection-not-found': {
    status: 404,
    title: { 'zh-CN': '无此异议', en: 'No such objection' },
    description: 'The round has no objection with this id. Read the round’s objections for valid ids.',
  },
  // 405
  'method-not-allowed': {
    status: 405,
    title: { 'zh-CN': '不支持该请求方法', en: 'Method not allowed' },
    description: 'The path exists but does not take this method; the `Allow` header lists the methods it takes.',
  },
  // 408
  'request-timeout': {
    status: 408,
    title: { 'zh-CN': '请求超时', en: 'Request timeout' },
    description: 'The request’s headers did not arrive in time and the connection is closed. Send the request again, promptly.',
  },
  // 409
  conflict: {
    status: 409,
    title: { 'zh-CN': '案件已存在', en: 'Case already exists' },
    description:
      'An earlier attempt of this submission started the case but its number cannot be read yet. Retry with the same Idempotency-Key to get the case.',
  },
  'case-not-open': {
    status: 409,
    title: { 'zh-CN': '案件已结束', en: 'Case has ended' },
    description:
      'The case has already ended (settled, rejected, withdrawn, lapsed or terminated) and cannot change. Reload the case.',
  },
  'step-not-awaiting-decision': {
    status: 409,
    title: { 'zh-CN': '环节不在待决定状态', en: 'Step not awaiting a decision' },
    description:
      'The step is not waiting for a decision now (another officer decided first, or it is still being checked). Reload the case and act on its current state.',
  },
  'no-supplement-awaited': {
    status: 409,
    title: { 'zh-CN': '未要求补正材料', en: 'No supplement awaited' },
    description: 'No step of the case is waiting for supplementary material from the applicant. Reload the case.',
  },
  'supplement-round-used': {
    status: 409,
    title: { 'zh-CN': '补正机会已用完', en: 'Supplement round used' },
    description:
      'The step has already asked for supplementary material once, which is all the rules allow. Decide the step on what the case holds.',
  },
  'no-placement-awaited': {
    status: 409,
    title: { 'zh-CN': '无待分配学位', en: 'No school place awaited' },
    description: 'No child of the case is waiting for a school place. Reload the case and the waiting list.',
  },
  'step-held-by-other': {
    status: 409,
    title: { 'zh-CN': '环节由其他经办人办理', en: 'Step held by another officer' },
    description:
      'Another officer has claimed the step, or holds the step the caller tries to release; `holder` names them. Leave it to them or ask a supervisor.',
  },
  'step-not-held': {
    status: 409,
    title: { 'zh-CN': '该环节无人认领', en: 'Step not held' },
    description:
      'A release of a step nobody holds (already released, or reassigned and then released). Nothing to give back: any officer of the department may claim or decide it.',
  },
  'open-case-exists': {
    status: 409,
    title: { 'zh-CN': '有人已在办理中的案件中', en: 'Person already in an open case' },
    description:
      'A person may be in only one open case at a time; `invalidParams` points at the people who are not free. Wait for their case to end, or leave them out.',
  },
  'person-already-settled': {
    status: 409,
    title: { 'zh-CN': '有人已在本市落户', en: 'Person already settled' },
    description:
      'A person was already registered here by a settled case and cannot settle again; `invalidParams` points at them. Leave them out of the application.',
  },
  'idempotency-retry': {
    status: 409,
    title: { 'zh-CN': '首次请求失败，请重试', en: 'First attempt failed; retry' },
    description: 'The first request with this Idempotency-Key failed before it took effect. Send the same request again.',
  },
  'idempotency-in-progress': {
    status: 409,
    title: { 'zh-CN': '相同请求仍在处理', en: 'Request still in progress' },
    description:
      'A request with this Idempotency-Key is still being processed. Wait a moment and send the same request again to read its answer.',
  },
  'notice-not-failed': {
    status: 409,
    title: { 'zh-CN': '通知并非投递失败', en: 'Notice not failed' },
    description:
      'Only a notice that could not be delivered may be recorded as served another way; this one is delivered or still under way. Reload the case’s notices.',
  },
  'bulk-not-completed': {
    status: 409,
    title: { 'zh-CN': '批量督办未完成', en: 'Bulk intervention not completed' },
    description:
      'The bulk intervention ended without completing (failed, cancelled or terminated), so it has no report. Read its progress and start a new one if needed.',
  },
  'round-finished': {
    status: 409,
    title: { 'zh-CN': '批次已结束', en: 'Round finished' },
    description: 'The admission round has finished and its ranking is final. Nothing more can be changed in it.',
  },
  'round-not-open': {
    status: 409,
    title: { 'zh-CN': '批次尚未开放', en: 'Round not open' },
    description:
      'The admission round is not open for this action: it opens later, or has already closed. Check the round’s dates and stage.',
  },
  'round-not-in-notice': {
    status: 409,
    title: { 'zh-CN': '批次不在公示期', en: 'Round not in public notice' },
    description:
      'Objections are taken only during the round’s public-notice period (公示), which ends at the time the ranking states; objections lodged in it are still resolved after it ends, until the ranking is final. A resolution before the ranking is published, or after it is final, has no round to take it.',
  },
  'entry-not-objectable': {
    status: 409,
    title: { 'zh-CN': '该条目不可提出异议', en: 'Entry cannot be objected to' },
    description:
      'The ranking entry is in a state that takes no objection (e.g. already withdrawn); `detail` says which. Read the entry before objecting.',
  },
  'objection-already-lodged': {
    status: 409,
    title: { 'zh-CN': '已对该条提出异议', en: 'Objection already lodged' },
    description:
      'You already have an objection to this entry that a supervisor is looking into. Wait for its answer; add to it at the counter if need be.',
  },
  'own-entry': {
    status: 409,
    title: { 'zh-CN': '这是您本人的排名条目', en: 'Your own entry' },
    description:
      'An objection asks for another person’s entry to be removed; upheld, it would refuse the case. A question about your own score or rank goes to the counter that took your application.',
  },
  'objection-already-resolved': {
    status: 409,
    title: { 'zh-CN': '异议已处理', en: 'Objection already resolved' },
    description: 'The objection has already been resolved. Reload the round’s objections.',
  },
  // 413
  'body-too-large': {
    status: 413,
    title: { 'zh-CN': '请求体过大', en: 'Request body too large' },
    description: 'The request body is larger than the server accepts (API_BODY_LIMIT_KB). Send a smaller body.',
  },
  // 415
  'unsupported-media-type': {
    status: 415,
    title: { 'zh-CN': '不支持的媒体类型', en: 'Unsupported media type' },
    description: 'A request body must be `application/json` in UTF-8. Set the Content-Type and encoding accordingly.',
  },
  // 422
  'idempotency-key-reused': {
    status: 422,
    title: { 'zh-CN': '幂等键已用于其他请求', en: 'Idempotency-Key reused' },
    description:
      'This Idempotency-Key was used before for a different request (another body or another call). Use a new key for a new request.',
  },
  'placement-out-of-turn': {
    status: 422,
    title: { 'zh-CN': '未按轮候顺序安排', en: 'Placement out of turn' },
    description:
      'Children of the same area and level have waited longer than this one (places go longest waiting first); `detail` names the longest waiting. Place them first, or say why in `note`.',
  },
  'invalid-decision': {
    status: 422,
    title: { 'zh-CN': '决定不被接受', en: 'Decision not acceptable' },
    description:
      'The decision is well-formed but the rules do not allow it here (e.g. approving below the points threshold); `detail` says why. Choose another decision.',
  },
  'invalid-supplement': {
    status: 422,
    title: { 'zh-CN': '补正材料不被接受', en: 'Supplement not acceptable' },
    description:
      'The supplementary material does not answer what the step asked for; `invalidParams` points at `/items`. Provide the items requested.',
  },
  'invalid-action': {
    status: 422,
    title: { 'zh-CN': '督办操作不被接受', en: 'Action not acceptable' },
    description:
      'The supervisor’s action is well-formed but not acceptable for this case now; `detail` says why. Choose another action.',
  },
  'wrong-district': {
    status: 422,
    title: { 'zh-CN': '区县无效', en: 'Unknown district' },
    description:
      'An entry names a district that the points route does not rank; `detail` names it. Use one of the city’s districts.',
  },
  // 429
  'rate-limited': {
    status: 429,
    title: { 'zh-CN': '请求过于频繁', en: 'Too many requests' },
    description:
      'The caller (by address or by account) sent more requests than RATE_LIMIT_PER_MINUTE allows; the `RateLimit` headers say when the window resets. Slow down and retry later.',
  },
  'too-many-refused-applications': {
    status: 429,
    title: { 'zh-CN': '当日被拒申请过多', en: 'Too many refused applications today' },
    description:
      'This account’s applications were refused too often today because family members named in them were not free. Apply again tomorrow, or at a counter.',
  },
  // 431
  'headers-too-large': {
    status: 431,
    title: { 'zh-CN': '请求头过大', en: 'Request headers too large' },
    description: 'The request line and headers together exceed 16 KB; the connection is closed. Shorten the URL or the headers.',
  },
  // 500
  'internal-error': {
    status: 500,
    title: { 'zh-CN': '服务器内部错误', en: 'Internal error' },
    description: 'An unexpected error occurred and has been logged. Report the `requestId` to the operators.',
  },
  'data-key-missing': {
    status: 500,
    title: { 'zh-CN': '数据密钥未配置', en: 'Data key missing' },
    description:
      'Stored data is sealed with a key this server is not configured with. An operator must add it to DATA_ENCRYPTION_KEYS; retrying will not help until then.',
  },
  // 503
  'dependency-unavailable': {
    status: 503,
    title: { 'zh-CN': '依赖服务暂不可用', en: 'Dependency unavailable' },
    description:
      'MongoDB or Temporal (named in `dependency`) did not answer in time. Retry after `Retry-After` seconds; a request retried with the same request id or Idempotency-Key is safe.',
  },
} as const satisfies Readonly<Record<string, ProblemEntry>>;

export type Problems = typeof PROBLEMS;
/** A documented problem type slug. */
export type ProblemCode = keyof Problems;
/** The HTTP status a problem type is answered with. */
export type ProblemStatus<C extends ProblemCode = ProblemCode> = Problems[C]['status'];

export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

/** Where the problem types are served, under the deployment's base URL (WEB_BASE_URL). */
export const PROBLEMS_PATH = '/problems';
