/**
 * Each problem type's description in Chinese, for the problem pages read in zh-CN (the English
 * one lives with the code in app/problem-codes.ts, beside every problem's English `detail`).
 * Typed by the codes, so a new code does not compile until it is described here too.
 */
import type { ProblemCode } from '../app/problem-codes';

export const PROBLEM_DESCRIPTIONS_ZH: Readonly<Record<ProblemCode, string>> = {
  'validation-error':
    '请求体字段、查询参数、路径参数或请求头不符合规则；`invalidParams` 以 JSON 指针逐一指明。请更正这些字段后重新发送。',
  'malformed-json': '请求体无法按 JSON 解析。请发送格式正确的 JSON 文档。',
  'bad-path': '请求路径不是有效的百分号编码 UTF-8。请将路径各段按 UTF-8 进行百分号编码。',
  'malformed-request': '服务器的 HTTP 解析器在任何路由处理之前拒绝了该请求，连接已关闭。请修正客户端的 HTTP/1.1 报文格式。',
  unauthorized: 'Bearer 令牌（或指标令牌）缺失、已过期或不被接受；`WWW-Authenticate` 响应头说明原因。请获取新令牌后重试。',
  'bad-signature': '回调的签名缺失或与请求体不符。请用共享密钥对原始请求体逐字节签名。',
  'callbacks-disabled':
    '本部署未设置该类回调的共享密钥（登记回调为 REGISTER_CALLBACK_SECRET，短信回执为 SMS_CALLBACK_SECRET），因此不接收此类回调。须由运维人员配置后，对方方可回调。',
  forbidden: '调用者已登录，但其角色（编解码服务则为来源）无权执行此操作。请使用该操作所列角色的账户。',
  'missing-claim':
    '经办人令牌未声明辖区（既无 `district` 也无 `town`）；`claim` 指明所需的声明。请联系身份认证服务的管理员补充。',
  'wrong-department': '该环节或操作属于其他部门，而非本经办人所在部门。请交由该部门的经办人办理。',
  'id-number-unverified':
    '提交申请须使用身份证号已经身份认证服务核验的账户（令牌声明 `id_number`）。请先在身份认证服务核验身份证号，或到窗口办理。',
  'not-account-holder': '申请中的申请人不是当前登录的账户本人。请为本人申请，并将家庭成员列入 `family`。',
  'not-found':
    '无此路由、案件、通知、探测或批量督办——或调用者无权查看（他人的案件、其他辖区的案件答复相同）。请核对标识；不要原样重试。',
  'step-not-found': '该案件的办理路径中没有所指部门的环节。请核对部门与案件的办理路径。',
  'round-not-found': '未公布该编号的积分落户批次。请列出批次（`GET /api/v1/rounds`）以获取有效编号。',
  'entry-not-found': '该批次的排名中没有此编号的条目。请查阅该批次已公布的排名以获取有效条目编号。',
  'objection-not-found': '该批次没有此编号的异议。请查阅该批次的异议以获取有效编号。',
  'method-not-allowed': '该路径存在，但不接受此请求方法；`Allow` 响应头列出其接受的方法。',
  'request-timeout': '请求头未能及时到达，连接已关闭。请及时重新发送请求。',
  conflict: '此前一次提交已开始办理该案件，但其编号暂时无法读取。请使用相同的 Idempotency-Key 重试以取得案件。',
  'case-not-open': '案件已经结束（已落户、不予落户、已撤回、已逾期终止或已终止办理），不能再变更。请刷新案件。',
  'step-not-awaiting-decision':
    '该环节目前不在待决定状态（其他经办人已先作出决定，或仍在核查中）。请刷新案件，按其当前状态办理。',
  'no-supplement-awaited': '该案件没有环节在等待申请人补正材料。请刷新案件。',
  'supplement-round-used': '该环节已要求过一次补正材料，规则只允许一次（一次性告知）。请依据案件现有材料作出决定。',
  'no-placement-awaited': '该案件没有等待学位的子女。请刷新案件和候位名单。',
  'step-held-by-other':
    '其他经办人已认领该环节，或调用者试图释放的环节由他人认领；`holder` 指明其人。请交由其办理，或联系督办人员。',
  'step-not-held': '释放了一个无人认领的环节（已被释放，或改派后又被释放）。无需释放：本部门任何经办人均可认领或办理。',
  'open-case-exists':
    '同一人同一时间只能在一个办理中的案件内；`invalidParams` 指向尚不空闲的人员。请待其案件办结，或不列入这些人员。',
  'person-already-settled':
    '有人已通过已落户的案件在本市登记户口，不能再次落户；`invalidParams` 指向这些人员。请在申请中不列入他们。',
  'idempotency-retry': '使用此 Idempotency-Key 的首次请求在生效前失败。请重新发送同一请求。',
  'idempotency-in-progress': '使用此 Idempotency-Key 的请求仍在处理中。请稍候再发送同一请求以读取其答复。',
  'notice-not-failed': '只有无法送达的通知才可登记为以其他方式送达；此通知已送达或仍在投递中。请刷新案件的通知。',
  'bulk-not-completed': '该批量督办未完成即结束（失败、取消或终止），因此没有报告。请查看其进度，必要时重新发起。',
  'round-finished': '该积分落户批次已结束，排名已为最终结果，不能再作任何变更。',
  'round-not-open': '该批次目前不接受此操作：尚未开放，或已经截止。请核对批次的日期和阶段。',
  'round-not-in-notice': '异议及其处理只在批次的公示期内受理。请在公示期内办理。',
  'entry-not-objectable': '该排名条目的状态不接受异议（例如已撤回）；`detail` 说明原因。提出异议前请先查阅该条目。',
  'objection-already-lodged': '您对该条目提出的异议正在核查中。请等待答复；如需补充，可到受理窗口提交。',
  'own-entry': '异议是请求取消他人的排名条目，一经成立即不予落户。对本人积分或名次有疑问的，请向受理您申请的窗口咨询。',
  'objection-already-resolved': '该异议已处理完毕。请刷新该批次的异议。',
  'body-too-large': '请求体超过服务器接受的大小（API_BODY_LIMIT_KB）。请发送更小的请求体。',
  'unsupported-media-type': '请求体必须是 UTF-8 编码的 `application/json`。请相应设置 Content-Type 和编码。',
  'idempotency-key-reused': '此 Idempotency-Key 此前已用于另一请求（不同的请求体或不同的调用）。新请求请使用新的键。',
  'placement-out-of-turn':
    '同一地区、同一学段有儿童比该儿童等候更久（学位按轮候顺序安排）；`detail` 指出等候最久的一名。请先为其安排，或在 `note` 中写明理由。',
  'invalid-decision': '该决定格式正确，但规则不允许在此作出（例如积分未达线却批准）；`detail` 说明原因。请作出其他决定。',
  'invalid-supplement': '所补材料与该环节要求的不符；`invalidParams` 指向 `/items`。请提供所要求的材料。',
  'invalid-action': '督办操作格式正确，但目前不适用于该案件；`detail` 说明原因。请选择其他操作。',
  'wrong-district': '条目所列区县不在积分落户的排名范围内；`detail` 指明该区县。请使用本市的区县。',
  'rate-limited':
    '调用者（按地址或按账户）发送的请求超过 RATE_LIMIT_PER_MINUTE 的限制；`RateLimit` 响应头说明何时重置。请放慢速度，稍后重试。',
  'too-many-refused-applications': '因申请中所列家庭成员不空闲，此账户今日的申请被拒次数过多。请明日再申请，或到窗口办理。',
  'headers-too-large': '请求行与请求头合计超过 16 KB，连接已关闭。请缩短网址或请求头。',
  'internal-error': '发生了意外错误，已记录日志。请将 `requestId` 报告给运维人员。',
  'data-key-missing':
    '存储的数据以本服务器未配置的密钥加密。须由运维人员将该密钥加入 DATA_ENCRYPTION_KEYS；在此之前重试无济于事。',
  'dependency-unavailable':
    'MongoDB 或 Temporal（在 `dependency` 中指明）未能及时响应。请在 `Retry-After` 秒后重试；以相同请求编号或 Idempotency-Key 重试是安全的。',
};
