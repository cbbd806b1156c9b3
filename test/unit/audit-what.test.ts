/** An audit line's "what" on the supervisor's case page (web/pages/audit-what.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recommendationNote, refusalOf } from '../../web/pages/officer/case';
import { AppError } from '../../app/errors';
import { auditWhat } from '../../web/pages/audit-what';
import { systemErrorWords } from '../../web/pages/incident-text';
import { DepartmentSystemUnavailableError } from '../../activities/adapters/department-systems.client';
import { ledgerRows, releaseOrder, timelineRows } from '../../web/pages/supervisor/case-timeline';
import { problemsOf, readInterventionForm } from '../../web/pages/supervisor/case';
import type { Request } from 'express';

describe('audit lines in the reader’s words', () => {
  const zh = (type: string, what: string) => auditWhat({ type, what }, 'zh-CN');

  it('when the line is a code or a phrase the workflow records, then a Chinese reader reads it in Chinese', () => {
    assert.deepEqual(zh('decision', 'approve'), { text: '通过', recorded: false });
    assert.deepEqual(zh('decision', 'all departments approved'), { text: '各部门均已审核通过', recorded: false });
    assert.deepEqual(zh('submitted', 'town application submitted'), { text: '建制镇落户', recorded: false });
    assert.deepEqual(zh('notice', 'case_received notice queued'), { text: '受理通知已排队发送', recorded: false });
    assert.deepEqual(zh('commit', 'quota_slot reserved'), { text: '预留积分落户指标', recorded: false });
    assert.deepEqual(zh('compensation', 'school_place released'), { text: '释放随迁子女学位', recorded: false });
    assert.deepEqual(zh('supervisor_action', 'reassign'), { text: '改派', recorded: false });
    assert.deepEqual(zh('notice_delivered', 'case_received notice delivered (sms)'), {
      text: '受理通知已送达（短信）',
      recorded: false,
    });
    assert.deepEqual(zh('notice_undeliverable', 'rejected notice could not be delivered'), {
      text: '不予落户决定书无法送达',
      recorded: false,
    });
    assert.deepEqual(zh('commit', 'household registered as 居民户口'), { text: '登记为居民户口', recorded: false });
    assert.deepEqual(zh('social_insurance_transfer', 'social-insurance transfer started'), {
      text: '社保关系转移已启动',
      recorded: false,
    });
    assert.deepEqual(zh('escalation', 'police decision overdue'), { text: '审核决定逾期', recorded: false });
    assert.deepEqual(zh('supplement_provided', '2 item(s) provided'), { text: '提交材料2项', recorded: false });
    assert.deepEqual(zh('score_computed', 'score 92/70'), { text: '总分92分，落户分值线70分', recorded: false });
    // The rounds' lines (workflows/settlement-case/admission.ts), each as it is recorded.
    assert.deepEqual(zh('admission_round', 'joined round 2026-yanta-1'), {
      text: '加入积分落户2026-yanta-1批次',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'ranked 3 in round 2026-1: admitted, pending public notice'), {
      text: '2026年第1批次排名第3名：拟落户，公示中',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'ranked 12 in round r1: not admitted'), {
      text: 'r1批次排名第12名：本批次未获落户',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'admitted: round r1 is final'), {
      text: 'r1批次公示期满：确定落户',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'removed from round r1: objection upheld'), {
      text: '异议成立，移出r1批次',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'waiting for the next round to be announced'), {
      text: '等待下一批次公布',
      recorded: false,
    });
    assert.deepEqual(zh('admission_round', 'something new'), { text: 'something new', recorded: true });
    assert.deepEqual(auditWhat({ type: 'notice', what: 'settled notice queued' }, 'en'), {
      text: 'queued: “Settlement granted”',
      recorded: false,
    });
  });

  it('when the type already says it all (a claim, a lookup, a reminder), then nothing is repeated', () => {
    for (const [type, what] of [
      ['step_claimed', 'claimed'],
      ['check_completed', 'police lookup completed'],
      ['reminder', 'police officer reminded'],
    ])
      assert.deepEqual(zh(type!, what!), { text: '', recorded: false });
  });

  it('when a supervisor reassigned a step or extended a deadline, then the line says to whom and by how much', () => {
    const nameOf = (id: string) => `王警官（${id}）`;
    const action = (what: string, data: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') =>
      auditWhat({ type: 'supervisor_action', what, data }, locale, { nameOf }).text;
    assert.equal(action('reassign', { officerId: 'police-officer-8' }), '改派给 王警官（police-officer-8）');
    assert.equal(action('reassign', { officerId: 'police-officer-8' }, 'en'), 'reassigned to 王警官（police-officer-8）');
    assert.equal(action('extend_deadline', { extendByWorkingDays: 3 }), '延长期限3个工作日');
    assert.equal(action('extend_deadline', { extendByMs: 5_400_000 }), '延长期限1.5小时');
    assert.equal(action('extend_deadline', { extendByMs: 3_600_000 }, 'en'), 'deadline extended by 1 hour(s)');
    assert.equal(action('extend_deadline', { extendByMs: 3 * 86_400_000 }), '延长期限3天');
    assert.equal(action('escalate', {}), '升级督办');
    // A line recorded without its data is still worded by the action.
    assert.equal(auditWhat({ type: 'supervisor_action', what: 'reassign' }, 'zh-CN').text, '改派');
  });

  it('when the line is anything else, then it is shown as recorded and marked as such, never dropped', () => {
    assert.deepEqual(zh('check_failed', 'police lookup keeps failing'), { text: 'police lookup keeps failing', recorded: true });
    // A failed lookup as recorded needs no words beyond its type (自动核查失败) and department.
    assert.deepEqual(zh('check_failed', 'police lookup failed'), { text: '', recorded: false });
    assert.deepEqual(zh('notice', 'case_received notice could not be rendered'), {
      text: 'case_received notice could not be rendered',
      recorded: true,
    });
    assert.deepEqual(zh('commit', 'made_up reserved'), { text: 'made_up reserved', recorded: true });
  });
});

describe('the system’s recommendation on the officer’s case page', () => {
  it('when the score note is read, then it is in the reader’s words; an unknown note stays as recorded', () => {
    assert.deepEqual(recommendationNote('score 102 ≥ threshold 70', 'zh-CN'), {
      text: '总分102分，落户分值线70分',
      recorded: false,
    });
    assert.deepEqual(recommendationNote('score 60 is below the threshold 70', 'en'), {
      text: '60 points in total; the threshold is 70',
      recorded: false,
    });
    assert.match(recommendationNote('score 80 does not qualify under xian-2016-v1', 'zh-CN').text, /不符合落户条件/);
    assert.deepEqual(recommendationNote('something new', 'zh-CN'), { text: 'something new', recorded: true });
  });
  it('§2 when HR approves below the threshold, then the refusal says so in the reader’s words, not the engine’s English', () => {
    const refused = new AppError('unprocessable', 'invalid-decision', 'cannot approve: score 54 is below the threshold 70');
    const zhText = refusalOf({ locale: 'zh-CN' } as Request, refused);
    assert.equal(zhText.status, 422);
    assert.match(zhText.text, /总分54分，落户分值线70分/);
    // The reason as the refusal form lists it (i18n/labels.ts), so the officer finds it there.
    assert.match(zhText.text, /“积分未达到落户分值要求”/);
    assert.doesNotMatch(zhText.text, /cannot approve|threshold/, zhText.text);
    assert.match(
      refusalOf({ locale: 'en' } as Request, refused).text,
      /^This case cannot be approved: 54 points in total; the threshold is 70\./,
    );
  });
});

describe('a score barred by a bad credit record, on the officer’s case page', () => {
  it('§2 when HR approves a case a bad credit record disqualifies, then the refusal names the credit record, not too few points', () => {
    const note = 'score 98 reaches the threshold 60, but a bad credit record disqualifies it under xian-2016-v1';
    assert.deepEqual(recommendationNote(note, 'zh-CN'), {
      text: '总分98分，达到分值线60分，但个人诚信记录不良，按积分政策 xian-2016-v1 不符合落户条件',
      recorded: false,
    });
    const refused = new AppError('unprocessable', 'invalid-decision', `cannot approve: ${note}`);
    const zhText = refusalOf({ locale: 'zh-CN' } as Request, refused).text;
    assert.match(zhText, /请以“个人诚信记录不良”作出不予落户的决定/);
    assert.doesNotMatch(zhText, /积分不足/);
    assert.match(refusalOf({ locale: 'en' } as Request, refused).text, /Refuse it for the bad credit record/);
  });
});

describe('the supervisor’s timeline (and its CSV)', () => {
  it('when a refusal is in the trail, then its reason is said in words, not as its code; another reason stays as written', () => {
    const line = (why: string) => ({
      type: 'decision',
      at: '2026-12-01T00:00:00Z',
      actor: { id: 'police-officer-1', role: 'officer', department: 'police' },
      department: 'police',
      what: 'reject',
      why,
    });
    const names = { officers: [], staff: new Map<string, string>() };
    const [coded, written] = timelineRows({ locale: 'zh-CN' } as Request, [line('identity_mismatch'), line('材料有涂改')], names);
    assert.equal(coded!.why, '身份信息与人口信息库登记不一致');
    assert.equal(written!.why, '材料有涂改');
    assert.equal(timelineRows({ locale: 'en' } as Request, [line('identity_mismatch')], names)[0]!.why?.includes('_'), false);
    // The case's own refusal line lists its reasons; a commit refused for capacity names its code.
    const [listed, capacity] = timelineRows(
      { locale: 'zh-CN' } as Request,
      [
        { ...line('criminal_record,no_legal_residence'), type: 'rejected' },
        { ...line('quota_exhausted'), type: 'commit' },
      ],
      names,
    );
    assert.doesNotMatch(`${listed!.why} ${capacity!.why}`, /[a-z]_[a-z]/);
    assert.match(listed!.why!, /、/);
  });

  it('when the system withdrew a case for a lapsed supplement, then the line says why in words, not as its code', () => {
    const lapsed = {
      type: 'withdrawn',
      at: '2026-12-01T00:00:00Z',
      actor: { id: 'system', role: 'system' },
      what: 'withdrawn',
      why: 'supplement_deadline_passed',
    };
    const names = { officers: [], staff: new Map<string, string>() };
    assert.equal(timelineRows({ locale: 'zh-CN' } as Request, [lapsed], names)[0]!.why, '补正期限届满未补正，按撤回处理');
    assert.match(timelineRows({ locale: 'en' } as Request, [lapsed], names)[0]!.why!, /treated as withdrawn/);
  });
});

describe('the supervisor’s compensation ledger', () => {
  it('when a reservation was refused for capacity, then its reason is said in words; a failed undo’s error stays as recorded', () => {
    const at = '2026-12-01T00:00:00Z';
    const system = { id: 'system', role: 'system' };
    const items = [
      {
        type: 'commit',
        at,
        actor: system,
        what: 'quota_slot refused: no capacity',
        why: 'quota_exhausted',
        data: { pool: 'quota:yanta' },
      },
      {
        type: 'compensation_failed',
        at,
        actor: system,
        department: 'education',
        what: 'release school_place failed',
        why: 'timeout',
      },
    ];
    const [zhRefused, zhFailed] = ledgerRows(items, 'zh-CN');
    assert.equal(zhRefused!.kind, 'refused', JSON.stringify(zhRefused));
    assert.doesNotMatch(zhRefused!.why ?? '', /quota_exhausted/, 'no code on the page');
    assert.match(zhRefused!.why ?? '', /[\u4e00-\u9fff]/, 'said in Chinese');
    assert.equal(zhFailed!.why, 'timeout');
    assert.doesNotMatch(ledgerRows(items, 'en')[0]!.why ?? '', /_/, 'and in English words');
  });

  it('§21 when education placed a waiting child at a named school and the case then ended, then the ledger shows the place committed and undone, at that school', () => {
    const at = '2026-12-01T00:00:00Z';
    const items = [
      {
        type: 'school_place_confirmed',
        at,
        actor: { id: 'officer-e', role: 'officer', department: 'education' },
        department: 'education',
        what: 'child 1 placed at a school elsewhere in the area',
        data: { school: '碑林区第二幼儿园', departmentRecordId: 'r1' },
      },
      // A place from the area's pool is a reservation's commit: not counted twice.
      {
        type: 'school_place_confirmed',
        at,
        actor: { id: 'system', role: 'system' },
        what: 'child 2 placed from the waiting list',
      },
      {
        type: 'compensation',
        at,
        actor: { id: 'system', role: 'system' },
        department: 'education',
        what: 'school_place released',
        data: { item: 'assigned-child-1', school: '碑林区第二幼儿园' },
      },
    ];
    assert.deepEqual(
      ledgerRows(items, 'zh-CN', ['王芳', '李小红', '李小明']).map((r) => [r.n, r.kind, r.item, r.poolText, r.child]),
      [
        [1, 'committed', 'school_place', '碑林区第二幼儿园', '李小红'],
        [2, 'undone', 'school_place', '碑林区第二幼儿园', '李小红'],
      ],
    );
  });

  it('when the ledger names a pool, then it says where (and which level or year), not the key', () => {
    const at = '2026-12-01T00:00:00Z';
    const system = { id: 'system', role: 'system' };
    const commit = (pool: string) => ({ type: 'commit', at, actor: system, what: 'x reserved', data: { pool } });
    const pools = ['quota:yanta:2026', 'school:yanta:primary', 'residence:huyi', 'provisional_registration', 'quota:nowhere'];
    assert.deepEqual(
      ledgerRows(pools.map(commit), 'zh-CN').map((r) => r.poolText),
      ['雁塔区 · 2026年', '雁塔区 · 小学', '鄠邑区', '—', 'quota:nowhere'],
    );
  });

  it('§21 when a termination lists what it will release, then it is in the workflow’s order (newest commit first, an assigned place in its turn) and each place names its child', () => {
    const held = (kind: string, pool: string, heldAt: string, child?: { name: string; personIndex: number }) => ({
      kind,
      pool,
      status: 'held' as const,
      heldAt,
      ...(child ?? {}),
    });
    const placement = (
      personIndex: number,
      name: string,
      status: 'placed' | 'waiting',
      at: { placedAt?: string; waitingSince?: string; school?: string } = {},
    ) => ({
      personIndex,
      name,
      level: 'primary',
      area: 'yanta',
      status,
      overdue: false,
      feeWaiver: true,
      examEligible: true,
      ...at,
    });
    const t = (hh: string) => `2026-12-01T${hh}:00:00.000Z`;
    const order = releaseOrder(
      {
        reservations: [
          held('residence_confirmation', 'residence:yanta', t('01')),
          { ...held('quota_slot', 'quota:yanta:2026', t('01')), status: 'released' as const },
          held('provisional_registration', 'provisional_registration', t('04')),
          // 李小明 waited from 02:00 (its commit began then) and was placed from the area's places at 05:00.
          held('school_place', 'school:yanta:primary', t('05'), { name: '李小明', personIndex: 1 }),
        ],
        schoolPlacements: [
          placement(1, '李小明', 'placed', { waitingSince: t('02'), placedAt: t('05') }),
          placement(2, '李小红', 'placed', { placedAt: t('03'), school: '雁塔区第一小学' }),
          placement(3, '李小刚', 'waiting', { waitingSince: t('03') }),
        ],
      },
      'zh-CN',
    );
    // saga.ts: entries newest commit first (provisional 04:00, 李小明's place 02:00, residence 01:00),
    // a school named after an entry was held undone just before it (李小红's, 03:00, before residence).
    assert.deepEqual(
      order.map((r) => [r.kind, r.name ?? null, r.poolText]),
      [
        ['provisional_registration', null, '—'],
        ['school_place', '李小明', '雁塔区 · 小学'],
        ['school_place', '李小红', '雁塔区第一小学'],
        ['residence_confirmation', null, '雁塔区'],
      ],
    );
  });
});

describe('a department system’s failure, for a supervisor', () => {
  it('when a lookup failed for a known cause, then it is said in words with its HTTP status; any other error stays as recorded', () => {
    // Built by the adapter's own error, so a change to its message breaks this test, not the pages.
    const http = new DepartmentSystemUnavailableError('housing', 'http_status', 'HTTP 503: busy (injected fault)', 503).message;
    assert.equal(systemErrorWords(http, 'zh-CN'), '部门信息系统返回错误（HTTP 503）');
    assert.equal(
      systemErrorWords(new DepartmentSystemUnavailableError('police', 'timeout', 'aborted').message, 'zh-CN'),
      '部门信息系统在时限内无应答',
    );
    assert.doesNotMatch(systemErrorWords(http, 'en'), /http_status/);
    assert.equal(systemErrorWords('SMTP 550 mailbox unavailable', 'zh-CN'), 'SMTP 550 mailbox unavailable');
    const rows = timelineRows(
      { locale: 'zh-CN' } as Request,
      [
        {
          type: 'check_failed',
          at: '2026-12-01T00:00:00Z',
          actor: { id: 'system', role: 'system' },
          department: 'housing',
          what: 'housing lookup failed',
          why: http,
        },
      ],
      { officers: [], staff: new Map<string, string>() },
    );
    assert.equal(rows[0]!.why, '部门信息系统返回错误（HTTP 503）');
    assert.equal(rows[0]!.what, '');
  });
});

describe('the supervisor’s timeline: children’s school places and refused attempts in words', () => {
  const names = { officers: [], staff: new Map<string, string>(), persons: ['陈伟', '林静', '陈可欣'] };
  const line = (type: string, what: string, extra: Record<string, unknown> = {}) => ({
    type,
    at: '2026-12-07T02:50:00Z',
    actor: { id: 'system', role: 'system' },
    department: 'education',
    what,
    ...extra,
  });

  it('§21–23 when a child joins the waiting list or is placed, then the line names the child (not "child 2"), the level and the school', () => {
    const rows = timelineRows(
      { locale: 'zh-CN' } as Request,
      [
        line('school_place_waiting', 'child 2 waits for a kindergarten place'),
        line('school_place_confirmed', 'child 2 placed at a school elsewhere in the area', {
          data: { school: '碑林区第二幼儿园' },
        }),
        line('school_place_confirmed', 'child 2 placed from the waiting list'),
      ],
      names,
    );
    assert.deepEqual(
      rows.map((r) => [r.what, r.whatRecorded]),
      [
        ['陈可欣进入幼儿园学位轮候名单', false],
        ['陈可欣被安排至碑林区第二幼儿园', false],
        ['陈可欣从轮候名单获得学位', false],
      ],
    );
    const [en] = timelineRows(
      { locale: 'en' } as Request,
      [line('school_place_waiting', 'child 2 waits for a junior_secondary place')],
      names,
    );
    assert.match(en!.what, /^陈可欣 joined the waiting list for a junior secondary/);
  });

  it('when an officer’s attempt was refused, then the line says what they tried and why in words, never the codes', () => {
    const [decision, claim] = timelineRows(
      { locale: 'zh-CN' } as Request,
      [
        line('decision_refused', 'approve', { why: 'invalid-decision', actor: { id: 'o', role: 'officer', department: 'hrss' } }),
        line('step_claim_refused', 'claim', { why: 'wrong_department', actor: { id: 'o', role: 'officer', department: 'hrss' } }),
      ],
      names,
    );
    assert.equal(decision!.what, '通过');
    assert.equal(claim!.what, '', 'the type says it was a claim');
    assert.doesNotMatch(`${decision!.why} ${claim!.why}`, /invalid-decision|wrong_department|[a-z]-[a-z]/);
  });
});

describe('the supervisor’s intervention form', () => {
  it('when an extension is too long, then the error names the chosen unit and its own limit (60 working days is not “90 days”)', () => {
    const form = (unit: string, amount: string) =>
      readInterventionForm({ action: 'extend_deadline', department: 'police', amount, unit, note: '申请人住院', requestId: 'r' });
    const amountError = (locale: 'zh-CN' | 'en', unit: string, amount: string) =>
      problemsOf({ locale } as Request, form(unit, amount)).find((p) => p.field === 'extend_deadline-amount')?.text;
    assert.equal(amountError('zh-CN', 'working_days', '61'), '请输入1到60个工作日之间的整数');
    assert.equal(amountError('zh-CN', 'days', '91'), '请输入1到90天之间的整数');
    assert.equal(amountError('en', 'hours', '2161'), 'Enter a whole number of hours from 1 to 2160');
    assert.equal(amountError('zh-CN', 'working_days', '60'), undefined, '60 working days is allowed');
  });
});
