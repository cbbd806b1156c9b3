/**
 * Words the notices show for the codes their data carries. Templates receive codes (see
 * templates/schemas.ts) and translate them with the `t` helper, so one data object renders in
 * every locale. Each table is a Record over its code list: adding a code without its labels is
 * a type error.
 */
import type {
  CaseStatus,
  Channel,
  Department,
  District,
  Locale,
  NoticeEvent,
  Relation,
  Role,
  Route,
  SchoolLevel,
  StepStatus,
  Town,
} from '../domain/vocabulary';
import type { StuckOrder, StuckReason } from '../app/queries/stuck-cases';
import type { LedgerKind } from '../app/views/compensation-ledger';
import type { IncidentKind } from '../app/views/incidents';
import type { CommitFailureCause } from '../domain/case-state';
import type { AccessDoor, AccessView } from '../app/access-records/record-access';
import type { AuditType } from '../domain/audit';
import type { NoticeStatus, ServiceMethod } from '../domain/notice-delivery';
import type { NoticeRecipient } from '../models/notice.model';
import type { SupervisorAction, SystemNote } from '../domain/case-rules';
import type { CheckFinding } from '../domain/check-findings';
import type { RejectionReason } from '../domain/codes';
import type { DecisionKind } from '../domain/case-rules';
import { DEPARTMENT_TABLE } from '../domain/departments';
import type { CaseOutcome, ReservationKind, WaitKind } from '../templates/schemas';
import { ROUND_LABELS } from './round-labels';

export type LocalisedLabel = Readonly<Record<Locale, string>>;
type Table<K extends string> = Readonly<Record<K, LocalisedLabel>>;

const department: Table<Department> = {
  police: DEPARTMENT_TABLE.police.name,
  hrss: DEPARTMENT_TABLE.hrss.name,
  housing: DEPARTMENT_TABLE.housing.name,
  education: DEPARTMENT_TABLE.education.name,
};

const route: Table<Route> = {
  town: { 'zh-CN': '建制镇落户', en: 'town settlement' },
  points: { 'zh-CN': '市辖区积分落户', en: 'points-based settlement' },
};

/** Towns of the town route (§1) and districts of the points route (§2); the code sets do not overlap. */
const area: Table<Town | District> = {
  lantian: { 'zh-CN': '蓝田县', en: 'Lantian County' },
  huyi: { 'zh-CN': '鄠邑区', en: 'Huyi District' },
  zhouzhi: { 'zh-CN': '周至县', en: 'Zhouzhi County' },
  xincheng: { 'zh-CN': '新城区', en: 'Xincheng District' },
  beilin: { 'zh-CN': '碑林区', en: 'Beilin District' },
  lianhu: { 'zh-CN': '莲湖区', en: 'Lianhu District' },
  baqiao: { 'zh-CN': '灞桥区', en: 'Baqiao District' },
  weiyang: { 'zh-CN': '未央区', en: 'Weiyang District' },
  yanta: { 'zh-CN': '雁塔区', en: 'Yanta District' },
  yanliang: { 'zh-CN': '阎良区', en: 'Yanliang District' },
  lintong: { 'zh-CN': '临潼区', en: 'Lintong District' },
  changan: { 'zh-CN': '长安区', en: 'Chang’an District' },
  gaoling: { 'zh-CN': '高陵区', en: 'Gaoling District' },
};

const schoolLevel: Table<SchoolLevel> = {
  kindergarten: { 'zh-CN': '幼儿园', en: 'kindergarten' },
  primary: { 'zh-CN': '小学', en: 'primary school' },
  junior_secondary: { 'zh-CN': '初中', en: 'junior secondary school' },
};

const relation: Table<Relation> = {
  applicant: { 'zh-CN': '申请人', en: 'applicant' },
  spouse: { 'zh-CN': '配偶', en: 'spouse' },
  child: { 'zh-CN': '子女', en: 'child' },
  parent: { 'zh-CN': '父母', en: 'parent' },
  other: { 'zh-CN': '其他共同居住家庭成员', en: 'other co-residing family member' },
};

const reservationKind: Table<ReservationKind> = {
  quota_slot: { 'zh-CN': '积分落户指标', en: 'points-settlement quota place' },
  collective_household_slot: { 'zh-CN': '集体户落户地址', en: 'collective-household address' },
  school_place: { 'zh-CN': '随迁子女学位', en: 'school place' },
  provisional_registration: { 'zh-CN': '预登记户籍记录', en: 'provisional registration record' },
  residence_confirmation: { 'zh-CN': '住所地址确认', en: 'residence-address confirmation' },
};

// criminal_record is worded neutrally on purpose: the record itself is officer-internal
// (domain/department-checks.ts), and an SMS may be read by someone other than the applicant.
const rejectionReason: Table<RejectionReason> = {
  identity_mismatch: {
    'zh-CN': '身份信息与人口信息库登记不一致',
    en: 'the identity details do not match the population register',
  },
  criminal_record: {
    'zh-CN': '未通过公安机关审查',
    en: 'the application did not pass the public-security review',
  },
  no_legal_residence: {
    'zh-CN': '无合法稳定住所',
    en: 'no legal stable residence',
  },
  insufficient_points: {
    'zh-CN': '积分未达到落户分值要求',
    en: 'the points score is below the settlement threshold',
  },
  credit_disqualified: {
    'zh-CN': '个人诚信记录不良，按积分落户政策不符合落户条件',
    en: 'a bad credit record, which the points policy makes a bar to settlement',
  },
  quota_exhausted: {
    'zh-CN': '本批次落户指标已满',
    en: 'the settlement quota for this round is used up',
  },
  objection_upheld: {
    'zh-CN': '公示期间对排名的异议经核实成立',
    en: 'an objection to the published ranking was upheld',
  },
  // Only a full collective household refuses a case: a full school puts the child on its waiting
  // list and never refuses the family (§21–23).
  capacity_exhausted: {
    'zh-CN': '落户地集体户名额已满',
    en: 'no collective-household slot is left in the area',
  },
  no_stable_employment: {
    'zh-CN': '无合法稳定就业',
    en: 'no legal stable employment',
  },
  incomplete_material: {
    'zh-CN': '经告知补正后，申请材料仍不齐全',
    en: 'the application material was still incomplete after it was asked for',
  },
  fraudulent_material: {
    'zh-CN': '提交的申请材料不真实',
    en: 'the application material submitted was not genuine',
  },
  other: { 'zh-CN': '其他原因', en: 'other reason' },
};

const waitingOn: Table<WaitKind> = {
  officer_decision: { 'zh-CN': '经办人审核决定', en: 'an officer’s decision' },
  applicant_supplement: { 'zh-CN': '申请人补正材料', en: 'supplementary material from the applicant' },
  department_system: { 'zh-CN': '部门信息系统核查', en: 'a department information-system check' },
  school_place: { 'zh-CN': '为随迁子女安排学位', en: 'a school place for an accompanying child' },
  social_insurance_transfer: { 'zh-CN': '人社部门办结社保关系转移', en: 'HR to complete the social-insurance transfer' },
};

const caseOutcome: Table<CaseOutcome> = {
  rejected: { 'zh-CN': '经审核不予落户', en: 'was refused' },
  withdrawn: { 'zh-CN': '已撤回', en: 'was withdrawn' },
  terminated: { 'zh-CN': '已终止办理', en: 'was closed by the supervising office' },
};

/** A case's status in plain words (the pages; DOMAIN.md "Case lifecycle"). */
const caseStatus: Table<CaseStatus> = {
  submitted: { 'zh-CN': '已提交', en: 'submitted' },
  under_review: { 'zh-CN': '审核中', en: 'under review' },
  supplement_requested: { 'zh-CN': '待补正材料', en: 'more material needed' },
  approved: { 'zh-CN': '已批准', en: 'approved' },
  awaiting_round: { 'zh-CN': '审核通过，参加积分落户排名', en: 'approved, in the points ranking' },
  registering: { 'zh-CN': '正在办理登记', en: 'being registered' },
  settled: { 'zh-CN': '已落户', en: 'settled' },
  rejected: { 'zh-CN': '不予落户', en: 'refused' },
  withdrawn: { 'zh-CN': '已撤回', en: 'withdrawn' },
  terminated: { 'zh-CN': '已终止', en: 'terminated' },
};

/** A department step's status in plain words. */
const stepStatus: Table<StepStatus> = {
  pending: { 'zh-CN': '尚未开始', en: 'not started yet' },
  checking: { 'zh-CN': '系统核查中', en: 'being checked' },
  check_failed: { 'zh-CN': '系统核查暂时失败，正在重试', en: 'check failing, being retried' },
  awaiting_decision: { 'zh-CN': '等待经办人审核', en: 'waiting for an officer' },
  supplement_requested: { 'zh-CN': '等待补正材料', en: 'waiting for more material' },
  approved: { 'zh-CN': '已通过', en: 'approved' },
  rejected: { 'zh-CN': '未通过', en: 'refused' },
  not_required: { 'zh-CN': '无需办理', en: 'not needed' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
};

/** An officer's decision on a step (the officer workbench). */
const decisionKind: Table<DecisionKind> = {
  approve: { 'zh-CN': '通过', en: 'approve' },
  reject: { 'zh-CN': '不予通过', en: 'refuse' },
  request_supplement: { 'zh-CN': '一次性告知补正材料', en: 'ask for supplementary material' },
};

/**
 * What a department's automated lookup asks its officer to look at (domain/check-findings.ts;
 * a finding about one person carries `:<index>` after its code, which the page words apart).
 */
const checkFinding: Table<CheckFinding> = {
  identity_not_found: { 'zh-CN': '人口信息库中查无此人', en: 'not found in the population register' },
  identity_mismatch: { 'zh-CN': '身份信息与人口信息库不一致', en: 'identity details differ from the population register' },
  criminal_record: { 'zh-CN': '有违法犯罪记录', en: 'has a criminal record' },
  bad_credit: { 'zh-CN': '个人信用记录不良', en: 'poor personal credit record' },
  no_hrss_record: { 'zh-CN': '人社系统中无就业或社保记录', en: 'no employment or social-insurance record' },
  not_employed: { 'zh-CN': '无合法稳定就业', en: 'no legal stable employment' },
  no_own_residence: {
    'zh-CN': '无自有或可登记的合法稳定住所（集体户）',
    en: 'no own or registrable residence (collective household)',
  },
  residence_elsewhere: {
    'zh-CN': '住所不在申请落户的区县，在此地无合法稳定住所（集体户）',
    en: 'the residence is in another area: none here (collective household)',
  },
  no_education_record: { 'zh-CN': '教育系统中无学历记录', en: 'no education record' },
};

/** A child's school place (§21–23). */
const placementStatus: Table<'placed' | 'waiting' | 'cancelled'> = {
  placed: { 'zh-CN': '已安排学位', en: 'placed' },
  waiting: { 'zh-CN': '轮候中', en: 'waiting' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
};

const stuckReason: Table<StuckReason> = {
  overdue: { 'zh-CN': '超期未办', en: 'overdue steps' },
  stale: { 'zh-CN': '长时间无进展', en: 'no progress' },
  supplement_past_due: { 'zh-CN': '补正逾期', en: 'supplement past due' },
  failing_checks: { 'zh-CN': '系统核查失败', en: 'failing checks' },
  undelivered_notices: { 'zh-CN': '通知无法送达', en: 'undelivered notices' },
  open: { 'zh-CN': '全部在办', en: 'all in progress' },
};

const ledgerKind: Table<LedgerKind> = {
  committed: { 'zh-CN': '占用', en: 'committed' },
  refused: { 'zh-CN': '占用被拒（名额已满）', en: 'refused (no capacity)' },
  undone: { 'zh-CN': '撤销', en: 'undone' },
  undo_failed: { 'zh-CN': '撤销失败（将重试）', en: 'undo failed (retried)' },
  commit_failed: { 'zh-CN': '部门登记未写入（将重试）', en: 'not written to the register (retried)' },
};

const ledgerItem: Table<ReservationKind | 'household_registration' | 'social_insurance_transfer'> = {
  ...reservationKind,
  household_registration: { 'zh-CN': '户口登记', en: 'household registration' },
  social_insurance_transfer: { 'zh-CN': '社保关系转移', en: 'social-insurance transfer' },
};

const noticeStatus: Table<NoticeStatus> = {
  queued: { 'zh-CN': '待发送', en: 'queued' },
  sending: { 'zh-CN': '发送中', en: 'sending' },
  sent: { 'zh-CN': '已发送', en: 'sent' },
  delivered: { 'zh-CN': '已送达', en: 'delivered' },
  failed: { 'zh-CN': '发送失败', en: 'failed' },
};

const noticeEvent: Table<NoticeEvent> = {
  case_received: { 'zh-CN': '受理通知', en: 'Application received' },
  supplement_requested: { 'zh-CN': '补正通知', en: 'Material needed' },
  supplement_reminder: { 'zh-CN': '补正提醒', en: 'Reminder: material needed' },
  officer_reminder: { 'zh-CN': '待办提醒', en: 'Case due' },
  escalation: { 'zh-CN': '督办提醒', en: 'Escalation' },
  settled: { 'zh-CN': '准予落户通知', en: 'Settlement granted' },
  rejected: { 'zh-CN': '不予落户决定书', en: 'Decision refusing settlement' },
  terminated: { 'zh-CN': '终止办理决定书', en: 'Decision to close your application' },
  withdrawn: { 'zh-CN': '撤回通知', en: 'Withdrawal notice' },
  reservations_released: { 'zh-CN': '预留事项释放通知', en: 'Reservations released' },
  school_place_waiting: { 'zh-CN': '随迁子女学位轮候通知', en: 'On the school waiting list' },
  school_place_confirmed: { 'zh-CN': '随迁子女学位落实通知', en: 'School place confirmed' },
  round_joined: { 'zh-CN': '进入积分落户排名通知', en: 'Your application joined the points ranking' },
  round_ranked: { 'zh-CN': '积分落户排名公示通知', en: 'Points ranking on public notice' },
  round_result: { 'zh-CN': '积分落户公示结果通知', en: 'Points round result' },
  social_insurance_transferred: { 'zh-CN': '社保关系转移办结通知', en: 'Social-insurance transfer completed' },
};

const serviceMethod: Table<ServiceMethod> = {
  email: { 'zh-CN': '电子邮件', en: 'email' },
  sms: { 'zh-CN': '短信', en: 'text message' },
  post: { 'zh-CN': '邮寄送达', en: 'by post' },
  in_person: { 'zh-CN': '直接送达', en: 'in person' },
};

const stuckOrder: Table<StuckOrder> = {
  oldest: { 'zh-CN': '最久无进展在前', en: 'longest without progress first' },
  newest: { 'zh-CN': '最近有进展在前', en: 'most recent progress first' },
};

const supervisorAction: Table<SupervisorAction | 'terminate'> = {
  extend_deadline: { 'zh-CN': '延长期限', en: 'extend the deadline' },
  reassign: { 'zh-CN': '改派', en: 'reassign' },
  escalate: { 'zh-CN': '升级督办', en: 'escalate' },
  retry_check: { 'zh-CN': '重新核查', en: 'retry the lookup' },
  retry_compensation: { 'zh-CN': '重试撤销或登记写入', en: 'retry the undo or register write' },
  authorise_supplement_round: { 'zh-CN': '准许再次补正', en: 'authorise another supplement round' },
  terminate: { 'zh-CN': '终止案件', en: 'terminate' },
};

const channel: Table<Channel> = {
  sms: { 'zh-CN': '短信', en: 'text message' },
  email: { 'zh-CN': '电子邮件', en: 'email' },
};

const recipientKind: Table<NoticeRecipient['kind']> = {
  applicant: { 'zh-CN': '申请人', en: 'applicant' },
  department: { 'zh-CN': '部门', en: 'department' },
  supervisors: { 'zh-CN': '督办人员', en: 'supervisors' },
};

const role: Table<Role> = {
  applicant: { 'zh-CN': '申请人', en: 'applicant' },
  officer: { 'zh-CN': '经办人员', en: 'officer' },
  supervisor: { 'zh-CN': '督办人员', en: 'supervisor' },
  system: { 'zh-CN': '系统', en: 'system' },
};

const auditType: Table<AuditType> = {
  submitted: { 'zh-CN': '提交申请', en: 'submitted' },
  check_completed: { 'zh-CN': '自动核查完成', en: 'lookup completed' },
  check_failed: { 'zh-CN': '自动核查失败', en: 'lookup failed' },
  decision: { 'zh-CN': '作出决定', en: 'decision' },
  decision_refused: { 'zh-CN': '决定被拒', en: 'decision refused' },
  supplement_requested: { 'zh-CN': '要求补正', en: 'supplement requested' },
  supplement_provided: { 'zh-CN': '已补正', en: 'supplement provided' },
  supplement_expired: { 'zh-CN': '补正逾期', en: 'supplement deadline passed' },
  reminder: { 'zh-CN': '提醒', en: 'reminder' },
  escalation: { 'zh-CN': '升级督办', en: 'escalation' },
  supervisor_action: { 'zh-CN': '督办操作', en: 'supervisor action' },
  step_claimed: { 'zh-CN': '认领环节', en: 'step claimed' },
  step_released: { 'zh-CN': '放弃认领', en: 'step released' },
  step_claim_refused: { 'zh-CN': '认领被拒', en: 'claim refused' },
  step_release_refused: { 'zh-CN': '放弃认领被拒', en: 'release refused' },
  score_computed: { 'zh-CN': '积分计算', en: 'score computed' },
  commit: { 'zh-CN': '预留与登记', en: 'reservation or registration' },
  compensation: { 'zh-CN': '撤销占用', en: 'compensation' },
  compensation_failed: { 'zh-CN': '撤销失败', en: 'compensation failed' },
  commit_failed: { 'zh-CN': '部门登记未写入', en: 'register write failed' },
  notice: { 'zh-CN': '通知', en: 'notice' },
  settled: { 'zh-CN': '落户办结', en: 'settled' },
  rejected: { 'zh-CN': '不予落户', en: 'rejected' },
  withdrawn: { 'zh-CN': '撤回', en: 'withdrawn' },
  terminated: { 'zh-CN': '终止', en: 'terminated' },
  social_insurance_transfer: { 'zh-CN': '社保关系转移', en: 'social insurance transfer' },
  school_place_waiting: { 'zh-CN': '子女轮候学位', en: 'child waiting for a school place' },
  school_place_confirmed: { 'zh-CN': '子女学位安排', en: 'school place arranged' },
  admission_round: { 'zh-CN': '积分落户批次排名', en: 'admission round' },
  social_insurance_transferred: { 'zh-CN': '社保关系转移办结', en: 'social insurance transferred' },
  notice_delivered: { 'zh-CN': '通知已送达', en: 'notice delivered' },
  notice_undeliverable: { 'zh-CN': '通知无法送达', en: 'notice undeliverable' },
};

/** Why a commit is an incident: someone must fix a refusal; an outage usually ends by itself. */
const commitCause: Table<CommitFailureCause> = {
  refused: { 'zh-CN': '部门系统拒收', en: 'refused by the register' },
  unavailable: { 'zh-CN': '部门系统无响应', en: 'register not answering' },
};

const incidentKind: Table<IncidentKind> = {
  lookup: { 'zh-CN': '自动核查失败', en: 'lookup failing' },
  compensation: { 'zh-CN': '撤销失败', en: 'compensation failing' },
  commit: { 'zh-CN': '部门登记写入失败', en: 'register write failing' },
  transfer_overdue: { 'zh-CN': '社保关系转移逾期未办结', en: 'social-insurance transfer overdue' },
  notice: { 'zh-CN': '通知无法送达', en: 'notice undeliverable' },
};

/** What an access record says was viewed (app/access-records/record-access.ts). */
const accessView: Table<AccessView> = {
  officer_case: { 'zh-CN': '经办人员查看案件', en: 'officer’s case view' },
  supervisor_case: { 'zh-CN': '督办人员查看案件', en: 'supervisor’s case view' },
  timeline: { 'zh-CN': '办理进程', en: 'timeline' },
  audit_trail: { 'zh-CN': '审计记录', en: 'audit trail' },
  audit_csv: { 'zh-CN': '导出审计记录（CSV）', en: 'audit trail exported (CSV)' },
  notices: { 'zh-CN': '通知记录', en: 'notices' },
  notice_letter: { 'zh-CN': '查看通知全文（送达）', en: 'notice letter read (for service)' },
  officer_inbox: { 'zh-CN': '待办列表', en: 'officer inbox' },
  school_waitlist: { 'zh-CN': '学位轮候名单', en: 'school waiting list' },
  stuck_cases: { 'zh-CN': '滞留案件列表', en: 'stuck-case list' },
  temporal_payloads: { 'zh-CN': '工作流数据（运维解码）', en: 'workflow payloads (operator decoding)' },
  round_objections: {
    'zh-CN': '积分入户批次的异议（含理由和提出人）',
    en: 'admission round objections (reasons and who lodged them)',
  },
};

/** Through which door a record's view came. */
const accessDoor: Table<AccessDoor> = {
  api: { 'zh-CN': '接口（API）', en: 'JSON API' },
  web: { 'zh-CN': '网页', en: 'web pages' },
  codec: { 'zh-CN': '解码服务', en: 'codec server' },
};

/** Notes the system writes on an ending it makes itself (domain/case-rules.ts): said in words, not as the code. */
const systemNote: Table<SystemNote> = {
  supplement_deadline_passed: {
    'zh-CN': '补正期限届满未补正，按撤回处理',
    en: 'the material was not provided by its deadline: treated as withdrawn',
  },
};

export const LABELS = {
  accessView,
  accessDoor,
  department,
  route,
  area,
  schoolLevel,
  relation,
  reservationKind,
  rejectionReason,
  waitingOn,
  caseOutcome,
  caseStatus,
  stepStatus,
  stuckReason,
  decisionKind,
  checkFinding,
  placementStatus,
  ledgerKind,
  ledgerItem,
  noticeStatus,
  serviceMethod,
  noticeEvent,
  stuckOrder,
  supervisorAction,
  incidentKind,
  commitCause,
  channel,
  recipientKind,
  role,
  auditType,
  systemNote,
  ...ROUND_LABELS,
} as const;
export type LabelTable = keyof typeof LABELS;

function isLabelTable(name: string): name is LabelTable {
  return Object.prototype.hasOwnProperty.call(LABELS, name);
}

/**
 * The label of `code` in `table` for `locale`. Unknown tables or codes throw: a notice that says
 * "undefined" to a citizen is worse than one that is not sent and gets retried after a fix.
 */
export function label(table: string, code: string, locale: Locale): string {
  if (!isLabelTable(table)) throw new Error(`unknown label table "${table}"`);
  const entries: Readonly<Record<string, LocalisedLabel>> = LABELS[table];
  if (!Object.prototype.hasOwnProperty.call(entries, code)) {
    throw new Error(`no label for code "${code}" in table "${table}"`);
  }
  const entry = entries[code];
  if (entry === undefined) throw new Error(`no label for code "${code}" in table "${table}"`);
  return entry[locale];
}
