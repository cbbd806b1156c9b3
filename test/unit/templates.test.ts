import { withoutEmailLines } from '../../templates/email-only';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { CHANNELS, HOUSEHOLD_TYPE, LOCALES, NOTICE_EVENTS, type Locale, type NoticeEvent } from '../../domain/vocabulary';
import { NOTICE_SCHEMAS, type NoticeData } from '../../templates/schemas';
import { fillSmsText, SMS_PARAMS } from '../../templates/sms-params';
import { roundName } from '../../i18n/formats';
import { loadSmsTemplates, SMS_TEMPLATES_FILE } from '../../policy/sms-templates';
import { maskIdNumber } from '../../domain/masking';
import { LABELS } from '../../i18n/labels';
import { message } from '../../i18n/messages';
import { SERVICE_NAME } from '../../i18n/service-name';
import type { CaseOutcomeInfo, CaseState } from '../../domain/case-state';
import * as notices from '../../workflows/settlement-case/notices';
import {
  DEFAULT_TEMPLATES_DIR,
  NoticeDataError,
  createNoticeRenderer,
  templateFile,
} from '../../activities/notifications/renderer';

const FULL_ID = '11010519491231002X';
const MASKED_ID = '1101**********002X';

const samples: { [E in NoticeEvent]: NoticeData<E> } = {
  case_received: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    route: 'points',
    area: 'yanta',
    submittedAt: '2026-03-01T02:15:00Z',
    departments: ['police', 'hrss', 'housing', 'education'],
    statusUrl: 'https://hukou.example.gov.cn/cases',
  },
  supplement_requested: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    department: 'housing',
    items: ['房屋租赁合同复印件', '公有产权房屋使用证明'],
    deadline: '2026-03-05T17:30:00Z',
  },
  supplement_reminder: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    department: 'police',
    items: ['居住证'],
    deadline: '2026-03-05T17:30:00Z',
  },
  officer_reminder: {
    caseNumber: 'HK-2026-000123',
    recipientName: '李经办',
    department: 'hrss',
    dueAt: '2026-03-10T09:00:00+08:00',
  },
  escalation: {
    caseNumber: 'HK-2026-000123',
    recipientName: '王督办',
    department: 'education',
    overdueSince: '2026-03-10T09:00:00+08:00',
    waitingOn: 'officer_decision',
  },
  settled: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    route: 'town',
    area: 'lantian',
    settledAt: '2026-04-02T03:00:00Z',
    collectiveHousehold: false,
    familyMembers: [{ name: '李四', idNumber: '6101**********1234', relation: 'spouse' }],
    children: [
      {
        name: '张小明',
        schoolLevel: 'primary',
        area: 'lantian',
        waiting: false,
        school: '蓝田县城关小学',
        feeWaiver: true,
        examEligible: true,
      },
    ],
    housingSecurityEligible: true,
    socialInsuranceTransferStarted: true,
  },
  rejected: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    decidedAt: '2026-04-02T03:00:00Z',
    documentNumber: '西人社落不许字〔2026〕第000123号',
    issuingDepartment: 'hrss',
    route: 'points',
    policyVersion: 'xian-2016-v1',
    reasons: [
      { code: 'insufficient_points', department: 'hrss' },
      { code: 'other', department: 'housing', note: '租赁合同未备案' },
    ],
  },
  terminated: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    decidedAt: '2026-04-02T03:00:00Z',
    documentNumber: '西公户终字〔2026〕第000007号',
    issuingDepartment: 'police',
    route: 'town',
    reason: '申请人已在其他地方办理落户',
  },
  withdrawn: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    withdrawnAt: '2026-03-03T08:00:00Z',
  },
  reservations_released: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    releasedAt: '2026-04-02T03:00:00Z',
    caseOutcome: 'rejected',
    area: 'yanta',
    released: [
      { kind: 'quota_slot' },
      { kind: 'collective_household_slot' },
      { kind: 'school_place', personName: '张小明', schoolLevel: 'primary' },
      { kind: 'provisional_registration' },
    ],
  },
  school_place_waiting: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    listedAt: '2026-05-01T02:00:00Z',
    child: {
      name: '张小明',
      schoolLevel: 'primary',
      area: 'lantian',
      waiting: true,
      position: 3,
      dueAt: '2026-05-29T09:00:00Z',
      feeWaiver: true,
      examEligible: true,
    },
  },
  school_place_confirmed: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    confirmedAt: '2026-05-01T02:00:00Z',
    child: {
      name: '张小明',
      schoolLevel: 'primary',
      area: 'lantian',
      waiting: false,
      feeWaiver: true,
      examEligible: true,
    },
  },
  round_joined: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    area: 'changan',
    roundId: '2026-1',
    score: 86.5,
    closesOn: '2026-12-30',
  },
  // The samples take the longer branches (not admitted, with a cut-off and a next round) so the
  // SMS length checks below see the longest text; the content tests cover the other branches.
  round_ranked: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    area: 'changan',
    roundId: '2026-1',
    rank: 12,
    score: 86.5,
    admitted: false,
    cutoff: 90.25,
    // 09:00Z is 17:00 in Asia/Shanghai, the end of the office day.
    noticeEndsAt: '2026-07-09T09:00:00Z',
  },
  round_result: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    idNumber: MASKED_ID,
    area: 'changan',
    roundId: '2026-1',
    rank: 12,
    score: 86.5,
    admitted: false,
    cutoff: 90.25,
    nextRound: { roundId: '2026-2', opensOn: '2026-07-01', closesOn: '2026-12-31' },
  },
  social_insurance_transferred: {
    caseNumber: 'HK-2026-000123',
    recipientName: '张三',
    route: 'points',
    area: 'yanta',
    transferredAt: '2026-04-03T02:00:00Z',
  },
};

/** Events whose letter is addressed to the applicant as a registered person and so shows the masked ID. */
const SHOWS_ID: readonly NoticeEvent[] = [
  'case_received',
  'settled',
  'rejected',
  'terminated',
  'round_joined',
  'round_ranked',
  'round_result',
];

const SMS_MAX: Record<Locale, number> = { 'zh-CN': 140, en: 300 };
/** A provider caps each variable; ours stay well inside (words, dates, numbers: never free text). */
const VARIABLE_MAX: Record<Locale, number> = { 'zh-CN': 30, en: 60 };

const renderer = createNoticeRenderer();

function escapeHtml(s: string): string {
  return Handlebars.escapeExpression(s);
}

function codePoints(s: string): number {
  return [...s].length;
}

describe('notice templates', () => {
  describe('every event × channel × locale', () => {
    for (const event of NOTICE_EVENTS) {
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          it(`when ${event} is rendered for ${channel} in ${locale}, then it is a complete notice with the case number`, () => {
            const { subject, body } = renderer.render(event, channel, locale, samples[event]);

            assert.ok(subject.includes('HK-2026-000123'), 'subject names the case');
            assert.ok(body.includes('HK-2026-000123'), 'body names the case');
            assert.doesNotMatch(subject + body, /undefined|\[object Object\]|NaN/);
            assert.doesNotMatch(subject, /[\r\n]/, 'a subject is one line');
            if (channel === 'email') {
              assert.match(body, /^<!doctype html>\n<html lang="([^"]+)">/);
              assert.ok(body.includes(`<html lang="${locale}">`));
              assert.ok(body.includes(`<title>${escapeHtml(subject)}</title>`));
              assert.match(body, /<h1>[^<]+<\/h1>/);
              assert.ok((body.match(/<p>/g) ?? []).length >= 3, 'has body paragraphs');
              assert.ok(body.trimEnd().endsWith('</html>'));
            } else {
              assert.doesNotMatch(body, /<html|<p>|<br>/, 'sms is plain text');
              assert.ok(codePoints(body) <= SMS_MAX[locale], `sms is short: ${codePoints(body)} > ${SMS_MAX[locale]} characters`);
              // The full notice travels with it, the same letter and subject the email carries.
              const email = renderer.render(event, 'email', locale, samples[event]);
              assert.equal(subject, email.subject);
              // …less the email's own lines ("do not reply to this email"), which every letter marks.
              const letter = renderer.render(event, channel, locale, samples[event]).sms?.letter;
              assert.equal(letter, withoutEmailLines(email.body));
              assert.match(email.body, /<p class="email-only">/);
              assert.doesNotMatch(letter ?? '', /email-only|本邮件|this email/);
            }
            if (SHOWS_ID.includes(event) && channel === 'email') {
              assert.ok(body.includes(escapeHtml(MASKED_ID)), 'letter shows the masked ID number');
            }
            if (channel === 'sms') {
              assert.doesNotMatch(body, /\*{10}/, 'an SMS carries no ID number, not even masked');
            }
          });
        }
      }
    }
  });

  describe('what reaches the phone: the provider’s approved text and its variables', () => {
    const approved = loadSmsTemplates();
    for (const event of NOTICE_EVENTS)
      for (const locale of LOCALES)
        it(`when ${event} goes by SMS in ${locale}, then its body is the approved text filled with its variables, naming the case, short`, () => {
          const { body, sms } = renderer.render(event, 'sms', locale, samples[event]);
          assert.ok(sms, 'an SMS carries its template and variables');
          assert.equal(sms.templateId, approved.templates[event][locale].id);
          assert.equal(sms.params.length, SMS_PARAMS[event].names.length);
          const text = fillSmsText(approved.templates[event][locale].text, sms.params);
          // Exactly what the handset shows: nothing the provider would not send.
          assert.equal(body, `【${approved.signName}】${text}`);
          assert.ok(text.includes('HK-2026-000123'), text);
          assert.doesNotMatch(text, /\{\d+\}|undefined|NaN|\*{10}/, text);
          assert.ok(
            sms.params.every((p) => p.length > 0 && codePoints(p) <= VARIABLE_MAX[locale]),
            `short variables: ${sms.params.join(' | ')}`,
          );
          assert.ok(codePoints(text) <= SMS_MAX[locale], `${codePoints(text)} characters`);
        });

    it('when a variable takes its longest branch (a provisional deadline, a cut-off with decimals), then it stays within the caps', () => {
      const longest = [
        [
          'supplement_requested',
          { ...samples.supplement_requested, deadline: '2026-12-31T09:30:00Z', deadlineProvisional: true },
        ],
        ['supplement_reminder', { ...samples.supplement_reminder, deadline: '2026-12-31T09:30:00Z', deadlineProvisional: true }],
        ['officer_reminder', { ...samples.officer_reminder, dueAt: '2026-12-31T09:30:00Z', dueProvisional: true }],
        ['round_ranked', { ...samples.round_ranked, cutoff: 123.125 }],
        ['round_result', { ...samples.round_result, cutoff: 123.125 }],
        ['withdrawn', { ...samples.withdrawn, lapsed: true }],
      ] as const;
      for (const [event, data] of longest)
        for (const locale of LOCALES) {
          const { body, sms } = renderer.render(event, 'sms', locale, data as NoticeData<typeof event>);
          for (const p of sms!.params) assert.ok(codePoints(p) <= VARIABLE_MAX[locale], `${event}/${locale}: ${p}`);
          assert.ok(codePoints(body) <= SMS_MAX[locale], `${event}/${locale}: ${codePoints(body)} characters`);
        }
    });

    it('when the table names other texts (SMS_TEMPLATES_FILE), then the SMS is filled from those', () => {
      const table = structuredClone(approved);
      table.signName = '测试签名';
      table.templates.case_received['zh-CN'] = { id: '9990001', text: '受理编号{1}。' };
      const { body, sms } = createNoticeRenderer({ smsTemplates: () => table }).render(
        'case_received',
        'sms',
        'zh-CN',
        samples.case_received,
      );
      assert.equal(body, '【测试签名】受理编号HK-2026-000123。');
      assert.equal(sms?.templateId, '9990001');
    });

    it('when the table’s file is edited while the worker runs, then the next SMS is filled from the new text, without a restart', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sms-templates-'));
      try {
        const file = path.join(dir, 'sms-templates.json');
        const table = structuredClone(approved);
        writeFileSync(file, JSON.stringify(table));
        const live = createNoticeRenderer({ smsTemplates: () => loadSmsTemplates(file) });
        assert.match(
          live.render('case_received', 'sms', 'zh-CN', samples.case_received).body,
          new RegExp(`^【${table.signName}】`),
        );
        table.signName = '新的签名';
        table.templates.case_received['zh-CN'] = { id: '9990002', text: '已受理：{1}。' };
        writeFileSync(file, JSON.stringify(table));
        const after = live.render('case_received', 'sms', 'zh-CN', samples.case_received);
        assert.equal(after.body, '【新的签名】已受理：HK-2026-000123。');
        assert.equal(after.sms?.templateId, '9990002');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when material is requested, then the SMS gives the deadline in Beijing time and where to hand it in', () => {
      const text = renderer.render('supplement_requested', 'sms', 'zh-CN', samples.supplement_requested).body;
      // 17:30Z is 01:30 the next day in Beijing.
      assert.match(text, /请于2026年3月6日 01:30（北京时间）前/);
      assert.match(text, /或到住房和城乡建设局窗口提交|或到[^窗]+窗口提交/);
    });

    it('when a round’s result goes by SMS, then the round is named as a reader says it (2026年第1批次), not by its id', () => {
      assert.equal(roundName('2026-2', 'zh-CN'), '2026年第2批次');
      assert.equal(roundName('2026-2', 'en'), 'round 2026-2');
      assert.equal(roundName('pilot', 'zh-CN'), 'pilot批次');
      const text = renderer.render('round_ranked', 'sms', 'zh-CN', samples.round_ranked).body;
      assert.match(text, /在\d{4}年第\d+批次积分/);
      assert.doesNotMatch(text, /\d{4}-\d+批次/);
    });

    it('when a case is withdrawn, then the SMS reads as a sentence: 于<date>撤回, not 于<date>已撤回', () => {
      const text = renderer.render('withdrawn', 'sms', 'zh-CN', { ...samples.withdrawn, lapsed: false }).body;
      assert.match(text, /于\d{4}年\d{1,2}月\d{1,2}日撤回，办理终止/);
      const lapsed = renderer.render('withdrawn', 'sms', 'zh-CN', { ...samples.withdrawn, lapsed: true }).body;
      assert.match(lapsed, /于\d{4}年\d{1,2}月\d{1,2}日补正期限届满，视为撤回，办理终止/);
    });

    it('when a case is refused, then the SMS gives the decision’s document number', () => {
      const { sms } = renderer.render('rejected', 'sms', 'zh-CN', samples.rejected);
      // …and the appeal periods from receipt, from the authorities in force on the decision's day.
      assert.deepEqual(sms?.params, [samples.rejected.caseNumber, samples.rejected.documentNumber, '60', '6']);
    });

    it('when an approved text does not use exactly its event’s variables, then the table is refused naming it', () => {
      const file = JSON.parse(readFileSync(SMS_TEMPLATES_FILE, 'utf8')) as {
        templates: Record<string, Record<string, { id: string; text: string }>>;
      };
      const dir = mkdtempSync(path.join(tmpdir(), 'sms-templates-'));
      try {
        const write = (mutate: (f: typeof file) => void) => {
          const copy = structuredClone(file);
          mutate(copy);
          const at = path.join(dir, 'sms.json');
          writeFileSync(at, JSON.stringify(copy));
          return at;
        };
        assert.throws(
          () => loadSmsTemplates(write((f) => (f.templates.supplement_requested!['zh-CN']!.text = '补正{1}，期限{2}'))),
          /templates\.supplement_requested\.zh-CN\.text: must use the variables \{1\}…\{3\} \(caseNumber, deadline, department\)/,
        );
        assert.throws(
          () => loadSmsTemplates(write((f) => (f.templates.settled!.en!.text = 'Case {1} {2} {4}'))),
          /templates\.settled\.en\.text/,
        );
        assert.throws(
          () => loadSmsTemplates(write((f) => (f.templates.settled!.en!.id = f.templates.rejected!['zh-CN']!.id))),
          /templates\.rejected\.zh-CN\.id: is also the id of settled\/en/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('content', () => {
    it('when a supervisor escalates a case by hand, then the letter says so with the reason, and calls nothing overdue', () => {
      const manual = { ...samples.escalation, manual: true as const, reason: '申请人来电反映久未办理' };
      for (const channel of CHANNELS)
        for (const locale of LOCALES) {
          const { subject, body } = renderer.render('escalation', channel, locale, manual);
          assert.doesNotMatch(subject + body, /逾期|overdue/i, `${channel} ${locale}`);
          assert.match(body, /督办人员|supervisor/, `${channel} ${locale}`);
          if (channel === 'email') assert.ok(body.includes('申请人来电反映久未办理'), `${locale}: the reason`);
        }
      const automatic = renderer.render('escalation', 'email', 'zh-CN', samples.escalation).body;
      assert.match(automatic, /督办提醒：案件逾期/);
    });

    it('when a notice in Chinese names the case number, then it calls it what the pages call it (受理编号)', () => {
      const word = message('zh-CN', 'caseNumber');
      let named = 0;
      for (const event of NOTICE_EVENTS) {
        for (const channel of CHANNELS) {
          const source =
            channel === 'email'
              ? readFileSync(path.join(DEFAULT_TEMPLATES_DIR, templateFile(event, 'zh-CN')), 'utf8')
              : loadSmsTemplates().templates[event]['zh-CN'].text;
          assert.doesNotMatch(source, /案件编号|案件号/, `${event} ${channel}`);
          const { body } = renderer.render(event, channel, 'zh-CN', samples[event]);
          for (const [, naming] of body.matchAll(/([\u4e00-\u9fff]*编号)[：:\s]*(?:<\/th><td>)?HK-2026-000123/g)) {
            assert.ok(naming!.endsWith(word), `${event} ${channel}: ${naming}`);
            named++;
          }
        }
      }
      // Every letter names its case number: the check above ran on each email at least.
      assert.ok(named >= NOTICE_EVENTS.length, `the case number was named ${named} times`);
    });

    it('when the pages name a notice (the supervisor’s trail, the outbox), then they call it what its letter’s subject calls it, in each locale', () => {
      for (const locale of LOCALES)
        for (const event of NOTICE_EVENTS) {
          const { subject } = renderer.render(event, 'email', locale, samples[event]);
          // The withdrawal letter's subject says which of two it is (withdrawn, or lapsed); its label covers both.
          if (event === 'withdrawn') continue;
          assert.equal(
            LABELS.noticeEvent[event][locale],
            subject.replace(/（HK-2026-000123）$| \(HK-2026-000123\)$/, ''),
            `${locale} ${event}`,
          );
        }
    });

    it('§2 when a case is refused for too few points, then the letter states the total against the threshold; without a score it says none', () => {
      const short = { ...samples.rejected, score: { total: 54, threshold: 70 } };
      assert.match(renderer.render('rejected', 'email', 'zh-CN', short).body, /积分总分为54分，落户分值线为70分/);
      assert.match(renderer.render('rejected', 'email', 'en', short).body, /points total 54; the threshold is 70/);
      assert.doesNotMatch(renderer.render('rejected', 'email', 'zh-CN', samples.rejected).body, /积分总分/);
    });

    it('§16 §21–23 when a full collective household refuses a case, then the letter names the collective household only: a full school never refuses a family', () => {
      const full = {
        ...samples.rejected,
        reasons: [{ code: 'capacity_exhausted' as const, department: 'police' as const }],
      };
      const zh = renderer.render('rejected', 'email', 'zh-CN', full).body;
      const en = renderer.render('rejected', 'email', 'en', full).body;
      assert.match(zh, /落户地集体户名额已满/, zh);
      assert.doesNotMatch(zh, /学位名额已满/, 'no school place is named as a ground');
      assert.match(en, /no collective-household slot is left/, en);
      assert.doesNotMatch(en, /school place is left/, 'no school place is named as a ground');
    });

    it('when a supervisor extends the supplement deadline, then the reminder says it was extended, to when; an ordinary reminder does not', () => {
      const extended = { ...samples.supplement_reminder, extended: true as const };
      const zh = renderer.render('supplement_reminder', 'email', 'zh-CN', extended).body;
      const en = renderer.render('supplement_reminder', 'email', 'en', extended).body;
      assert.match(zh, /经审核，您的补正期限已延长至<strong>/, zh);
      assert.match(en, /Your deadline for it has been extended to <strong>/, en);
      assert.ok(renderer.render('supplement_reminder', 'sms', 'zh-CN', extended).body.length > 0, 'the SMS renders too');
      assert.doesNotMatch(renderer.render('supplement_reminder', 'email', 'zh-CN', samples.supplement_reminder).body, /已延长/);
    });

    it('when material is requested or reminded, then the letters ask for what the case page takes (a document’s number or how it is brought), not an upload or a copy’s number', () => {
      for (const event of ['supplement_requested', 'supplement_reminder'] as const)
        for (const uploadUrl of [undefined, 'https://hukou.example.gov.cn/'])
          for (const locale of LOCALES) {
            const body = renderer.render(event, 'email', locale, { ...samples[event], uploadUrl }).body;
            // The case page has no upload and nobody has a "copy number" (apSupplementReferenceHint).
            assert.doesNotMatch(body, /上传|复印件编号|upload|copy number/i, `${event}/${locale}`);
            assert.match(body, locale === 'en' ? /number on each document/ : /证照编号/, `${event}/${locale}`);
          }
    });

    it('when any notice is sent, then the letter and the SMS name the platform as its pages’ header does (one name, not four)', () => {
      for (const locale of LOCALES) {
        const header = message(locale, 'service');
        assert.equal(header, SERVICE_NAME[locale]);
        assert.ok(message(locale, 'footer').startsWith(header), message(locale, 'footer'));
        for (const event of NOTICE_EVENTS) {
          const { body, sms } = renderer.render(event, 'sms', locale, samples[event]);
          const email = renderer.render(event, 'email', locale, samples[event]).body;
          assert.ok(email.includes(header), `${event}/${locale} letter`);
          // The names the platform went by before (header, footer, letters, SMS, in either language).
          const before = [
            '户籍落户服务',
            '西安落户服务平台',
            '跨部门协同办理平台',
            'household registration service',
            'settlement service platform',
            "xi'an settlement service",
          ];
          for (const other of before)
            assert.ok(![email, sms!.letter, body].some((t) => t.toLowerCase().includes(other)), `${event}/${locale}: ${other}`);
          // Where the SMS points to the platform, it names it so too.
          if (/平台|service/i.test(body)) assert.ok(body.includes(header), `${event}/${locale} SMS: ${body}`);
        }
      }
    });

    it('when the platform has a public address (WEB_BASE_URL), then every letter gives it under the name; without one, none', () => {
      const url = 'https://luohu.xa.gov.example';
      const addressed = createNoticeRenderer({ serviceUrl: url });
      for (const locale of LOCALES)
        for (const event of NOTICE_EVENTS) {
          const email = addressed.render(event, 'email', locale, samples[event]).body;
          assert.ok(email.includes(url), `${event}/${locale}: the address is given`);
          assert.ok(
            !renderer.render(event, 'email', locale, samples[event]).body.includes(url),
            `${event}/${locale}: no address`,
          );
        }
    });

    it('when a points case joins its round, then the letter and SMS name the round, the score and the closing day, and say it is not yet admission', () => {
      const zh = renderer.render('round_joined', 'email', 'zh-CN', samples.round_joined).body;
      assert.match(zh, /已进入长安区2026年第1批次积分落户排名/);
      assert.match(zh, /2026年12月30日/);
      assert.match(zh, /不等于已获落户资格/);
      assert.match(
        renderer.render('round_joined', 'sms', 'zh-CN', samples.round_joined).body,
        /积分86\.5分，已进入2026年第1批次，将于2026年12月30日截止/,
      );
      assert.match(renderer.render('round_joined', 'sms', 'en', samples.round_joined).body, /closes on 2026-12-30/);
    });

    it('when a lookup or a release keeps failing, then the escalation says a system step fails, and calls nothing overdue', () => {
      const failing = { ...samples.escalation, waitingOn: 'department_system' as const };
      for (const channel of CHANNELS)
        for (const locale of LOCALES) {
          const { subject, body } = renderer.render('escalation', channel, locale, failing);
          assert.doesNotMatch(subject + body, /逾期|overdue/i, `${channel} ${locale}`);
          assert.match(body, /系统步骤多次失败|system step (keeps failing|failing repeatedly)/, `${channel} ${locale}`);
        }
    });

    it('when a case is received, then the notice names route, area and the reviewing offices of that area, as every later letter does', () => {
      const zh = renderer.render('case_received', 'email', 'zh-CN', samples.case_received).body;
      const en = renderer.render('case_received', 'email', 'en', samples.case_received).body;

      assert.ok(zh.includes('市辖区积分落户') && zh.includes('雁塔区'));
      assert.ok(zh.includes('市公安局雁塔分局、雁塔区人社局、雁塔区住房管理部门、雁塔区教育局'), zh);
      assert.ok(en.includes('Yanta Branch of the Public Security Bureau, Yanta District Human Resources'), en);
      assert.ok(zh.includes('2026年3月1日'));
      assert.ok(en.includes('points-based settlement') && en.includes('Yanta District'));
      assert.ok(en.includes('What happens next'));
      assert.ok(en.includes('href="https://hukou.example.gov.cn/cases"'));
    });

    it('when material is requested, then the notice lists it, gives the deadline in Beijing time and says how to provide it', () => {
      const zhSms = renderer.render('supplement_requested', 'sms', 'zh-CN', samples.supplement_requested);
      const en = renderer.render('supplement_requested', 'email', 'en', samples.supplement_requested).body;

      // 17:30Z is 01:30 the next day in Asia/Shanghai. The SMS gives the deadline and the counter;
      // the list is in the full notice it points to, which travels with it.
      assert.ok(zhSms.body.includes('2026年3月6日 01:30'));
      assert.ok(zhSms.body.includes('市房管局'));
      assert.ok(!zhSms.body.includes('房屋租赁合同复印件'), 'free text never goes into a provider variable');
      assert.ok(zhSms.sms?.letter.includes('<li>房屋租赁合同复印件</li>'));
      assert.ok(en.includes('<li>房屋租赁合同复印件</li>'));
      assert.ok(en.includes('2026-03-06 01:30 (Beijing time)'));
      assert.ok(en.includes('Housing Administration Bureau service counter'));
    });

    it('when material is requested, then the letter sends the applicant to the counter of the office serving their area: a county’s own bureau, a district’s police sub-bureau', () => {
      const town = { ...samples.supplement_requested, department: 'police' as const, area: 'lantian' as const };
      const district = { ...samples.supplement_requested, department: 'police' as const, area: 'yanta' as const };
      const hr = { ...samples.supplement_requested, department: 'hrss' as const, area: 'yanta' as const };
      for (const event of ['supplement_requested', 'supplement_reminder'] as const) {
        const zh = renderer.render(event, 'email', 'zh-CN', town).body;
        const en = renderer.render(event, 'email', 'en', town).body;
        assert.ok(zh.includes('到蓝田县公安局的办事窗口提交'), `${event} zh names the county bureau: ${zh}`);
        // The office that reviewed is the one whose counter it names, not the city bureau.
        assert.ok(zh.includes('经蓝田县公安局审核'), `${event} zh names the county bureau as the reviewer: ${zh}`);
        assert.ok(en.includes('The Lantian County Public Security Bureau '), `${event} en names the reviewer: ${en}`);
        if (event === 'supplement_requested') {
          const sms = renderer.render(event, 'sms', 'zh-CN', town).body;
          assert.ok(sms.includes('或到蓝田县公安局窗口提交'), `the SMS names the same office: ${sms}`);
        }
        assert.ok(
          en.includes('service counter of the Lantian County Public Security Bureau'),
          `${event} en names the county bureau`,
        );
        const sub = renderer.render(event, 'email', 'zh-CN', district).body;
        assert.ok(sub.includes('到市公安局雁塔分局的办事窗口提交'), `${event} zh names the sub-bureau: ${sub}`);
        assert.ok(renderer.render(event, 'email', 'zh-CN', hr).body.includes('到雁塔区人社局的办事窗口提交'));
        assert.ok(
          renderer
            .render(event, 'email', 'en', district)
            .body.includes('service counter of the Yanta Branch of the Public Security Bureau'),
        );
      }
      const older = renderer.render('supplement_requested', 'email', 'zh-CN', samples.supplement_requested).body;
      assert.ok(older.includes('到市房管局办事窗口提交'), 'a notice stored without its area keeps the earlier wording');
      assert.ok(older.includes('经市房管局审核'), 'and names the city bureau as the reviewer');
    });

    it('when the deadline was counted without that year’s holiday calendar, then every channel says the date may move; otherwise none does', () => {
      const data = { ...samples.supplement_requested, deadlineProvisional: true };
      const zhSms = renderer.render('supplement_requested', 'sms', 'zh-CN', data).body;
      const zhEmail = renderer.render('supplement_requested', 'email', 'zh-CN', data).body;
      const enSms = renderer.render('supplement_requested', 'sms', 'en', data).body;
      const enEmail = renderer.render('supplement_requested', 'email', 'en', data).body;
      assert.ok(zhSms.includes('（北京时间，暂定）'));
      assert.ok(zhEmail.includes('该期限为暂定') && zhEmail.includes('可能调整'));
      // It does not say the calendar is unpublished outright: the year's own usually is; the next year's may not be.
      assert.ok(zhEmail.includes('尚未全部公布（年末的期限还取决于次年的放假安排）'), zhEmail);
      assert.ok(enSms.includes('(Beijing time; provisional)'));
      assert.ok(enEmail.includes('This date is provisional') && enEmail.includes('may move'));
      for (const channel of ['sms', 'email'] as const)
        for (const locale of ['zh-CN', 'en'] as const) {
          const firm = renderer.render('supplement_requested', channel, locale, samples.supplement_requested).body;
          assert.ok(!/暂定|provisional/.test(firm), `${channel} ${locale} without the flag`);
        }
    });

    it('when the machine runs in another time zone, then dates are still formatted for Asia/Shanghai', () => {
      const saved = process.env.TZ;
      process.env.TZ = 'America/Los_Angeles';
      try {
        const body = renderer.render('supplement_requested', 'sms', 'en', samples.supplement_requested).body;
        assert.ok(body.includes('2026-03-06 01:30'));
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it('when an applicant is reminded of a supplement, then the notice lists what is missing, the deadline and what happens after it', () => {
      const sms = renderer.render('supplement_reminder', 'sms', 'zh-CN', samples.supplement_reminder);
      assert.ok(sms.sms?.letter.includes('居住证'));
      assert.ok(sms.body.includes('2026年3月6日 01:30（北京时间）'));
      assert.ok(sms.body.includes('撤回'));
      const letter = renderer.render('supplement_reminder', 'email', 'en', samples.supplement_reminder);
      assert.match(letter.subject, /Reminder/);
      assert.ok(letter.body.includes('treated as withdrawn'));
    });

    it('when an officer is reminded, then the notice gives department, case and due time', () => {
      const body = renderer.render('officer_reminder', 'email', 'zh-CN', samples.officer_reminder).body;
      assert.ok(body.includes('市人社局'));
      assert.ok(body.includes('2026年3月10日 09:00（北京时间）'));
    });

    it('when a case is escalated, then the supervisor sees department, case, overdue-since and what it waits for', () => {
      const { body, sms } = renderer.render('escalation', 'sms', 'en', samples.escalation);
      assert.ok(body.includes('Education Bureau'));
      assert.ok(body.includes('overdue since 2026-03-10 09:00'));
      assert.ok(sms?.letter.includes('an officer’s decision'));
    });

    it('when a case settles (§3), then every settled notice states the 居民户口 household type', () => {
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          const body = renderer.render('settled', channel, locale, samples.settled).body;
          assert.ok(body.includes(HOUSEHOLD_TYPE), `${channel}/${locale} names ${HOUSEHOLD_TYPE}`);
        }
      }
    });

    it('§21–23 when a child in school has a place, then the settled letter names the school and area, the fee waiver and exam eligibility', () => {
      const zh = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      const en = renderer.render('settled', 'email', 'en', samples.settled).body;

      assert.ok(zh.includes('张小明：蓝田县城关小学学位已落实'));
      assert.ok(zh.includes('流入地蓝田县教育部门'), '以流入地为主 (§21)');
      assert.ok(zh.includes('免除学杂费'), 'fee waiver (§22)');
      assert.ok(zh.includes('升学考试'), 'entrance exams (§23)');
      assert.ok(en.includes('a primary school place at 蓝田县城关小学 is confirmed'));
      assert.match(en, /fees are waived/);
      assert.match(en, /entrance exams/);
      for (const body of [zh, en]) assert.doesNotMatch(body, /school:|quota:|lantian/, 'names, never internal keys');
    });

    it('§21–23 when a kindergarten child waits for a place, then the letter says where it waits and in which position, with no fee waiver or exam line', () => {
      const data = {
        ...samples.settled,
        childWaiting: true,
        children: [
          {
            name: '张小红',
            schoolLevel: 'kindergarten' as const,
            area: 'zhouzhi' as const,
            waiting: true,
            position: 2,
            dueAt: '2027-01-04T09:00:00Z',
            feeWaiver: false,
            examEligible: false,
          },
        ],
      };
      const zh = renderer.render('settled', 'email', 'zh-CN', data).body;
      const en = renderer.render('settled', 'email', 'en', data).body;
      const zhSms = renderer.render('settled', 'sms', 'zh-CN', data).body;

      assert.ok(zh.includes('张小红：周至县幼儿园学位已满，已列入轮候名单（第2位）'));
      // By when education is to place the child; no "enrol when the school tells you" with no school yet.
      assert.match(zh, /教育部门应于2027年1月4日[^）]*17:00前安排/);
      assert.match(en, /it is to do so by [^)]*2027[^)]*17:00/);
      assert.doesNotMatch(zh, /办理入学手续/);
      assert.doesNotMatch(en, /complete enrolment/);
      assert.ok(zh.includes('学位不影响全家落户'));
      assert.ok(en.includes('the kindergarten places in Zhouzhi County are full, so 张小红 is on the waiting list (position 2)'));
      assert.ok(zhSms.includes('后续事项') && zhSms.includes('书面通知'), 'the SMS points to the letter');
      for (const body of [zh, en]) assert.doesNotMatch(body, /学杂费|升学考试|fees are waived|entrance exams/);
    });

    it('§21 when a waiting child is placed, then the confirmation names the child, the school and the area in both locales', () => {
      const data = {
        caseNumber: 'HK-2026-000123',
        recipientName: '张三',
        confirmedAt: '2026-05-01T02:00:00Z',
        child: {
          name: '张小红',
          schoolLevel: 'kindergarten' as const,
          area: 'zhouzhi' as const,
          waiting: false,
          school: '周至县第二幼儿园',
          feeWaiver: false,
          examEligible: false,
        },
      };
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          const rendered = renderer.render('school_place_confirmed', channel, locale, data);
          const body = channel === 'email' ? rendered.body : rendered.sms!.letter;
          assert.ok(body.includes('张小红') && body.includes('周至县第二幼儿园'), `${channel}/${locale}`);
          // The handset's text masks the child (PIPL: the SMS provider need not know her name).
          assert.ok(rendered.body.includes(channel === 'email' ? '张小红' : '张**'), `${channel}/${locale} names the child`);
          if (channel === 'sms') assert.doesNotMatch(rendered.body, /张小红/, `${locale}: ${rendered.body}`);
        }
      }
    });

    it('§21 when a child joins the waiting list, then the notice names the child, level, position and deadline, and that the family settles all the same', () => {
      const data = samples.school_place_waiting;
      const expected = {
        'zh-CN': ['张小明', '蓝田县小学学位已满', '第3位', '2026年5月29日 17:00', '不影响'],
        en: ['张小明', 'primary school places in Lantian County are full', 'position 3', '2026-05-29 17:00', 'does not affect'],
      } as const;
      for (const locale of LOCALES) {
        const email = renderer.render('school_place_waiting', 'email', locale, data);
        for (const text of expected[locale]) assert.ok(email.body.includes(text), `${locale} letter says ${text}: ${email.body}`);
        assert.doesNotMatch(email.body, /暂定|provisional/);
        const sms = renderer.render('school_place_waiting', 'sms', locale, data);
        for (const text of [expected[locale][0], expected[locale][3]])
          assert.ok(sms.sms!.letter.includes(text), `${locale} SMS's letter says ${text}: ${sms.sms!.letter}`);
        // The SMS provider is not told the child's name (PIPL): the platform's letter names her.
        assert.ok(sms.body.includes('张**'), `${locale} SMS: ${sms.body}`);
        assert.doesNotMatch(sms.body, /张小明/, `${locale} SMS: ${sms.body}`);
        const provisional = renderer.render('school_place_waiting', 'email', locale, { ...data, dueProvisional: true }).body;
        assert.match(provisional, locale === 'zh-CN' ? /北京时间，暂定/ : /Beijing time; provisional/);
      }
    });

    it('§21 when a place comes from the area’s pool (no school named), then the letters say which level and area and that the school will be told, never an area-and-level that reads like a school’s name', () => {
      const settled = { ...samples.settled, children: [{ ...samples.school_place_confirmed.child }] };
      for (const [event, data] of [
        ['school_place_confirmed', samples.school_place_confirmed],
        ['settled', settled],
      ] as const) {
        const zh = renderer.render(event, 'email', 'zh-CN', data).body;
        assert.match(zh, /小学学位[^<]*具体学校另行通知/, event);
        assert.doesNotMatch(zh, /蓝田县小学/, `${event}: 蓝田县小学 reads as a school's name`);
        assert.match(
          renderer.render(event, 'email', 'en', data).body,
          /in Lantian County \(the education department will tell you which school\)/,
          event,
        );
      }
    });

    it('when no child needs a school place, then the settled notice says nothing about schooling', () => {
      const data = { ...samples.settled, children: [] };
      for (const locale of LOCALES) {
        for (const channel of CHANNELS) {
          const body = renderer.render('settled', channel, locale, data).body;
          assert.doesNotMatch(body, /学杂费|升学考试|fees (are )?waived|entrance exams|子女|[Ss]chool/);
        }
      }
    });

    it('when the family is eligible for housing security (§28), then the settled notice tells them, and only then', () => {
      const eligible = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      const notEligible = renderer.render('settled', 'email', 'zh-CN', {
        ...samples.settled,
        housingSecurityEligible: false,
      }).body;
      const enEligible = renderer.render('settled', 'email', 'en', samples.settled).body;

      assert.ok(eligible.includes('住房保障'));
      assert.ok(!notEligible.includes('住房保障'));
      assert.ok(enEligible.includes('housing security'));
      // §28 brings them into the system on equal terms; whether they meet its conditions is the
      // housing bureau's decision, so the letter does not assert it.
      assert.ok(eligible.includes('符合保障条件的，可向市房管局申请'), eligible);
      assert.doesNotMatch(eligible, /您家庭符合城镇住房保障条件/);
    });

    it('when a case settles (§25), then the letter explains the social-insurance transfer either way', () => {
      const started = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      const notStarted = renderer.render('settled', 'email', 'en', {
        ...samples.settled,
        socialInsuranceTransferStarted: false,
      }).body;
      // The area's bureau, as every other letter names the counter (i18n/local-office.ts), not the city's.
      assert.ok(started.includes('蓝田县人社局已为您启动养老、医疗保险关系转移接续'), started);
      assert.ok(
        notStarted.includes('you may ask the Lantian County Human Resources and Social Security Bureau to transfer'),
        notStarted,
      );
      // …and the letter once the transfer is done, alike.
      const done = renderer.render('social_insurance_transferred', 'email', 'zh-CN', samples.social_insurance_transferred).body;
      assert.ok(done.includes('办结后，雁塔区人社局已于'), done);
    });

    it('when family members settle too, then the letter lists them with masked IDs and their relation', () => {
      const body = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      assert.ok(body.includes('<td>李四</td><td>配偶</td><td>6101**********1234</td>'));
    });

    it('when a case is rejected, then the notice gives the reasons and both appeal rights with their time limits', () => {
      const zh = renderer.render('rejected', 'email', 'zh-CN', samples.rejected).body;
      const zhSms = renderer.render('rejected', 'sms', 'zh-CN', samples.rejected).body;
      const en = renderer.render('rejected', 'email', 'en', samples.rejected).body;
      const enSms = renderer.render('rejected', 'sms', 'en', samples.rejected).body;

      assert.ok(zh.includes('积分未达到落户分值要求（市人社局）'));
      assert.ok(zh.includes('其他原因（市房管局）：租赁合同未备案'));
      for (const body of [zh, zhSms]) {
        assert.match(body, /60日内.*行政复议/s);
        assert.match(body, /6个月内.*行政诉讼/s);
      }
      assert.ok(en.includes('the points score is below the settlement threshold'));
      for (const body of [en, enSms]) {
        assert.match(body, /administrative reconsideration (<strong>)?within 60 days/);
        assert.match(body, /within 6 months/);
      }
    });

    it('when reservations are released, then the notice lists each one with whose it was', () => {
      const zh = renderer.render('reservations_released', 'sms', 'zh-CN', samples.reservations_released).sms!.letter;
      const en = renderer.render('reservations_released', 'email', 'en', samples.reservations_released).body;

      assert.ok(zh.includes('在雁塔区为本案预留的以下事项'), zh);
      assert.ok(zh.includes('<li>随迁子女学位（小学）：张小明</li>'), zh);
      assert.ok(en.includes('<li>points-settlement quota place</li>'));
      assert.ok(en.includes('<li>school place (primary school): 张小明</li>'));
      assert.ok(en.includes('<li>provisional registration record</li>'));
      assert.ok(en.includes('was refused'));
    });

    describe('admission rounds (issue 13)', () => {
      const admittedRanked: NoticeData<'round_ranked'> = { ...samples.round_ranked, rank: 2, score: 95, admitted: true };
      const nobodyAdmittedRanked: NoticeData<'round_ranked'> = { ...samples.round_ranked, cutoff: undefined };
      const admittedResult: NoticeData<'round_result'> = {
        ...samples.round_result,
        rank: 2,
        score: 95,
        admitted: true,
        nextRound: undefined,
      };
      const unannouncedResult: NoticeData<'round_result'> = { ...samples.round_result, nextRound: undefined };

      function everyRendering<E extends 'round_ranked' | 'round_result'>(event: E, data: NoticeData<E>) {
        return CHANNELS.flatMap((channel) =>
          LOCALES.map((locale) => ({ channel, locale, ...renderer.render(event, channel, locale, data) })),
        );
      }

      it('when a round is ranked and the case is provisionally admitted, then the notice says so, subject to the public notice, with its end date and the right to object', () => {
        const zh = renderer.render('round_ranked', 'email', 'zh-CN', admittedRanked).body;
        const en = renderer.render('round_ranked', 'email', 'en', admittedRanked).body;

        assert.ok(zh.includes('长安区2026年第1批次积分落户已截止'));
        assert.ok(zh.includes('<td>95分</td>') && zh.includes('<td>第2名</td>') && zh.includes('<td>拟落户</td>'));
        // The hour too: in working days the notice ends at the office's close, not at midnight.
        assert.ok(zh.includes('已列为拟落户人员，须经公示。公示期至2026年7月9日 17:00（北京时间）止'));
        assert.ok(zh.includes('<td>90.25分</td>'), 'the district’s cut-off is shown when there is one');
        assert.ok(
          en.includes(
            'you are provisionally admitted, subject to the public notice, which ends at 2026-07-09 17:00 (Beijing time)',
          ),
        );
        for (const r of everyRendering('round_ranked', admittedRanked)) {
          assert.match(r.body, r.locale === 'zh-CN' ? /拟落户/ : /provisionally admitted/, `${r.channel}/${r.locale}`);
          assert.match(r.body, r.locale === 'zh-CN' ? /异议/ : /object/, `${r.channel}/${r.locale} names the right to object`);
          assert.doesNotMatch(r.body, /未获|not admitted/, `${r.channel}/${r.locale}`);
        }
      });

      it('when a round is ranked and the case is not admitted, then the notice gives rank, score and cut-off and says the application stays valid', () => {
        const zh = renderer.render('round_ranked', 'email', 'zh-CN', samples.round_ranked).body;
        const zhSms = renderer.render('round_ranked', 'sms', 'zh-CN', samples.round_ranked).body;
        const enSms = renderer.render('round_ranked', 'sms', 'en', samples.round_ranked).body;

        assert.ok(zh.includes('本批次长安区拟落户人员的最低积分为90.25分'));
        assert.ok(zh.includes('您的申请继续有效'));
        assert.ok(zh.includes('将按名次依次递补'));
        assert.ok(zhSms.includes('积分86.5分，排名第12名，本批次未获拟落户资格（最低拟落户积分90.25分）'), zhSms);
        assert.ok(zhSms.includes('公示至2026年7月9日'), zhSms);
        assert.ok(
          enSms.includes('86.5 points in round 2026-1, rank 12: not admitted in this round (cut-off score 90.25)'),
          enSms,
        );
        assert.ok(enSms.includes('until 2026-07-09; anyone may object'), enSms);
      });

      it('when the public notice’s end was counted without that year’s holiday calendar, then the SMS and the letter say it may move; otherwise neither does', () => {
        const provisional = { ...admittedRanked, noticeEndsProvisional: true };
        for (const channel of CHANNELS)
          for (const locale of LOCALES) {
            const rendered = renderer.render('round_ranked', channel, locale, provisional);
            const letter = channel === 'email' ? rendered.body : rendered.sms!.letter;
            assert.match(letter, locale === 'zh-CN' ? /止（暂定：/ : /\(provisional: /, `${channel}/${locale} letter`);
            if (channel === 'sms')
              assert.match(rendered.body, locale === 'zh-CN' ? /（暂定）/ : /\(provisional\)/, `${locale} SMS`);
            const firm = renderer.render('round_ranked', channel, locale, admittedRanked);
            assert.doesNotMatch(firm.body + (firm.sms?.letter ?? ''), /暂定|provisional:/, `${channel}/${locale} firm`);
          }
      });

      it('when nobody in the district was admitted, then the notice shows no cut-off and says nobody was admitted', () => {
        for (const r of everyRendering('round_ranked', nobodyAdmittedRanked)) {
          assert.doesNotMatch(r.body, /90\.25|最低拟落户积分|cut-off|Lowest admitted/, `${r.channel}/${r.locale}`);
        }
        assert.ok(
          renderer.render('round_ranked', 'email', 'zh-CN', nobodyAdmittedRanked).body.includes('本批次长安区没有拟落户人员'),
        );
        assert.ok(
          renderer
            .render('round_ranked', 'email', 'en', nobodyAdmittedRanked)
            .body.includes('No one was admitted in Chang’an District'),
        );
      });

      it('when the cut-off score is 0, then it is still shown', () => {
        const body = renderer.render('round_result', 'sms', 'en', { ...samples.round_result, score: 0, cutoff: 0 }).body;
        assert.ok(body.includes('(cut-off score 0)'));
      });

      it('when the public notice ends just after midnight Beijing time, then the notice prints the Beijing day, whatever the machine’s time zone', () => {
        const saved = process.env.TZ;
        process.env.TZ = 'America/Los_Angeles';
        try {
          // 16:30Z on the 9th is 00:30 on the 10th in Asia/Shanghai.
          const data = { ...samples.round_ranked, noticeEndsAt: '2026-07-09T16:30:00Z' };
          assert.ok(renderer.render('round_ranked', 'sms', 'zh-CN', data).body.includes('公示至2026年7月10日'));
          assert.ok(renderer.render('round_ranked', 'email', 'en', data).body.includes('until 2026-07-10'));
          assert.ok(
            renderer.render('round_result', 'email', 'en', samples.round_result).body.includes('opens on 2026-07-01'),
            'days, not instants: the same in any zone',
          );
        } finally {
          if (saved === undefined) delete process.env.TZ;
          else process.env.TZ = saved;
        }
      });

      it('when the public notice is over and the case is admitted, then the notice says registration proceeds and a letter follows, with nothing about a next round', () => {
        const zh = renderer.render('round_result', 'email', 'zh-CN', admittedResult).body;
        const en = renderer.render('round_result', 'email', 'en', admittedResult).body;

        assert.ok(zh.includes('公示期已满，排名结果已确定'));
        assert.ok(zh.includes('我们将为您办理落户登记，您无需重新申请；登记办结后，您将另行收到准予落户通知'));
        assert.ok(en.includes('Your registration will now proceed'));
        assert.ok(en.includes('you will receive a letter granting settlement'));
        for (const r of everyRendering('round_result', admittedResult)) {
          assert.match(
            r.body,
            r.locale === 'zh-CN' ? /办理落户登记/ : /registration will (now )?proceed/,
            `${r.channel}/${r.locale}`,
          );
          assert.doesNotMatch(r.body, /下一批次|next round|撤回|withdraw/, `${r.channel}/${r.locale}`);
        }
      });

      it('when the case is not admitted and the next round is announced, then the notice gives the cut-off, the next round’s dates and the right to withdraw', () => {
        const zh = renderer.render('round_result', 'email', 'zh-CN', samples.round_result).body;
        const en = renderer.render('round_result', 'email', 'en', samples.round_result).body;
        const zhSms = renderer.render('round_result', 'sms', 'zh-CN', samples.round_result).body;

        assert.ok(zh.includes('本批次长安区落户人员的最低积分为90.25分'));
        assert.ok(zh.includes('将自动参加长安区下一批次的排名，无需重新申请'));
        assert.ok(zh.includes('下一批次为2026年第2批次，自2026年7月1日开始，至2026年12月31日截止'));
        assert.ok(zh.includes('随时撤回申请'));
        assert.ok(en.includes('The next round (2026-2) opens on 2026-07-01 and closes on 2026-12-31'));
        assert.ok(en.includes('You may withdraw your application at any time'));
        assert.ok(zhSms.includes('（最低落户积分90.25分），申请继续有效'), zhSms);
      });

      it('when the case is not admitted and no next round is announced yet, then the notice says it will be told', () => {
        const zh = renderer.render('round_result', 'email', 'zh-CN', unannouncedResult).body;
        const en = renderer.render('round_result', 'email', 'en', unannouncedResult).body;
        assert.ok(zh.includes('下一批次的时间尚未公布，公布后我们将另行通知您'));
        assert.ok(en.includes('The next round has not been announced yet; we will tell you when it is'));
        assert.ok(renderer.render('round_result', 'sms', 'zh-CN', unannouncedResult).body.includes('申请继续有效'), 'the SMS');
        assert.ok(
          renderer.render('round_result', 'sms', 'en', unannouncedResult).body.includes('on to the next round'),
          'the SMS',
        );
        for (const r of everyRendering('round_result', unannouncedResult))
          assert.doesNotMatch(r.body, /2026-2|2026年7月1日|2026-07-01/);
      });

      it('when any branch of a round notice is sent by SMS, then it stays within the length limit and carries no ID number', () => {
        const variants = [
          ['round_ranked', admittedRanked],
          ['round_ranked', nobodyAdmittedRanked],
          ['round_result', admittedResult],
          ['round_result', unannouncedResult],
        ] as const;
        for (const [event, data] of variants) {
          for (const locale of LOCALES) {
            const body = renderer.render(event, 'sms', locale, data).body;
            assert.ok(codePoints(body) <= SMS_MAX[locale], `${event}/${locale}: ${codePoints(body)} characters`);
            assert.doesNotMatch(body, /\*{10}/);
          }
        }
      });

      it('when round data is inconsistent or malformed, then the schema refuses it naming the field', () => {
        const refuses = (event: 'round_ranked' | 'round_result', data: unknown, field: string) =>
          assert.throws(
            () => renderer.render(event, 'email', 'en', data as NoticeData<typeof event>),
            (err: unknown) => err instanceof NoticeDataError && err.issues.some((i) => i.path === field),
            field,
          );
        refuses('round_result', { ...admittedResult, nextRound: samples.round_result.nextRound }, 'nextRound');
        refuses(
          'round_result',
          { ...samples.round_result, nextRound: { roundId: '2026-2', opensOn: '2026-07-01', closesOn: '2026-06-30' } },
          'nextRound.closesOn',
        );
        refuses(
          'round_result',
          { ...samples.round_result, nextRound: { roundId: '2026-2', opensOn: '1 July', closesOn: '2026-12-31' } },
          'nextRound.opensOn',
        );
        refuses('round_ranked', { ...samples.round_ranked, area: 'lantian' }, 'area');
        refuses('round_ranked', { ...samples.round_ranked, rank: 0 }, 'rank');
        refuses('round_ranked', { ...samples.round_ranked, noticeEndsAt: '2026-07-09' }, 'noticeEndsAt');
        refuses('round_ranked', { ...samples.round_ranked, idNumber: FULL_ID }, 'idNumber');
        refuses('round_result', { ...samples.round_result, route: 'points' }, '(root)');
      });
    });

    it('when a case is withdrawn, then the notice confirms it and says reservations will be released', () => {
      const body = renderer.render('withdrawn', 'email', 'zh-CN', samples.withdrawn).body;
      assert.ok(body.includes('2026年3月3日'));
      assert.ok(body.includes('释放'));
    });
  });

  describe('decision letters (行政许可法 第三十八条)', () => {
    const policeRejection: NoticeData<'rejected'> = {
      ...samples.rejected,
      documentNumber: '西公户不许字〔2026〕第000042号',
      issuingDepartment: 'police',
      reasons: [{ code: 'insufficient_points', department: 'police', note: '55 < 60' }],
    };
    const APPEAL: Record<Locale, RegExp[]> = {
      'zh-CN': [/自收到本?决定书之日起(<strong>)?60日内/, /(<strong>)?6个月内(<\/strong>)?(向西安铁路运输法院)?提起行政诉讼/],
      en: [/within 60 days(<\/strong>)? of receiving/, /within 6 months(<\/strong>)? of receiving/],
    };

    it('§2 when a case is refused, then the letter names the department, the item, the policy by the day it took effect (not by a file’s version code), 西安市人民政府, the court, 60 days / 6 months from receipt and the 文号', () => {
      const zh = renderer.render('rejected', 'email', 'zh-CN', policeRejection).body;
      const en = renderer.render('rejected', 'email', 'en', policeRejection).body;

      for (const expected of [
        '西公户不许字〔2026〕第000042号',
        '西安市公安局于2026年4月2日决定不予落户',
        '《西安市人民政府关于进一步推进户籍制度改革的实施意见》（2016年）第三部分第2项',
        '及2016年7月1日起施行的积分落户政策（即您提交申请时施行的版本）',
        '向西安市人民政府申请行政复议',
        '向西安铁路运输法院提起行政诉讼',
        '自收到本决定书之日起<strong>60日内</strong>',
        '自收到本决定书之日起<strong>6个月内</strong>',
      ]) {
        assert.ok(zh.includes(expected), `zh letter has ${expected}`);
      }
      for (const expected of [
        'Document No. 西公户不许字〔2026〕第000042号',
        'the Xi&#x27;an Municipal Public Security Bureau decided on 2026-04-02',
        'Part III, item 2 of the Xi&#x27;an Municipal Government',
        'points-settlement policy in force from 2016-07-01 (the version in force when you applied)',
        'apply to the Xi&#x27;an Municipal People&#x27;s Government for administrative reconsideration',
        'before the Xi&#x27;an Railway Transport Court',
      ]) {
        assert.ok(en.includes(expected), `en letter has ${expected}`);
      }
      for (const locale of LOCALES) {
        const body = renderer.render('rejected', 'email', locale, policeRejection).body;
        for (const pattern of APPEAL[locale]) assert.match(body, pattern, `${locale} appeal rights`);
      }
    });

    it('§1 §8 when a town case is refused for identity, then the letter cites item 1 and item 8 and no points policy', () => {
      const town: NoticeData<'rejected'> = {
        ...policeRejection,
        route: 'town',
        policyVersion: undefined,
        reasons: [{ code: 'identity_mismatch', department: 'police' }],
      };
      const zh = renderer.render('rejected', 'email', 'zh-CN', town).body;
      assert.ok(zh.includes('（2016年）第三部分第1项、第三部分第8项作出'));
      assert.ok(!zh.includes('积分落户政策'));
    });

    it('when a case is refused, then the SMS is short and says a letter was issued, its number, the periods from receipt and where to read it', () => {
      const zh = renderer.render('rejected', 'sms', 'zh-CN', policeRejection).body;
      const en = renderer.render('rejected', 'sms', 'en', policeRejection).body;
      assert.ok(zh.includes('决定书西公户不许字〔2026〕第000042号'), zh);
      assert.ok(zh.includes('西安市落户服务平台查阅'), zh);
      assert.ok(zh.includes('自收到决定书之日起60日内申请行政复议或6个月内提起行政诉讼'), zh);
      assert.ok(en.includes('Decision 西公户不许字〔2026〕第000042号'), en);
      assert.ok(en.includes('Xi’an Household Settlement Service'), en);
      assert.ok(en.includes('within 60 days or sue within 6 months of receiving it'), en);
    });

    it('when a supervisor terminates a case, then the letter is a numbered decision with its reason and the appeal rights, in both locales', () => {
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          const { subject, body } = renderer.render('terminated', channel, locale, samples.terminated);
          assert.ok(body.includes('西公户终字〔2026〕第000007号'), `${channel}/${locale} has the 文号`);
          assert.match(subject, locale === 'zh-CN' ? /终止办理决定书/ : /Decision to close/);
          if (channel === 'email') {
            for (const pattern of APPEAL[locale]) assert.match(body, pattern, `${locale} appeal rights`);
            assert.ok(body.includes(locale === 'zh-CN' ? '西安市人民政府' : 'Xi&#x27;an Municipal People&#x27;s Government'));
            assert.ok(body.includes(locale === 'zh-CN' ? '西安铁路运输法院' : 'Xi&#x27;an Railway Transport Court'));
            assert.ok(
              body.includes(locale === 'zh-CN' ? '理由：申请人已在其他地方办理落户。' : 'Reason: 申请人已在其他地方办理落户。'),
              'the termination reason, closed as a sentence (a Chinese text with 。 in either letter)',
            );
            assert.ok(body.includes(locale === 'zh-CN' ? '第三部分第1项' : 'Part III, item 1'), 'the route item');
          } else {
            assert.match(
              body,
              locale === 'zh-CN' ? /60日内申请行政复议或6个月内提起行政诉讼/ : /within 60 days or sue within 6 months/,
            );
          }
        }
      }
    });

    it('when a termination reason already ends with a stop, then the letter adds none', () => {
      const ended = renderer.render('terminated', 'email', 'zh-CN', { ...samples.terminated, reason: '重复申请。' }).body;
      const asked = renderer.render('terminated', 'email', 'en', { ...samples.terminated, reason: 'Applied twice?' }).body;
      assert.ok(ended.includes('理由：重复申请。</p>'), ended);
      assert.ok(asked.includes('Reason: Applied twice?</p>'), asked);
      const paused = renderer.render('terminated', 'email', 'zh-CN', { ...samples.terminated, reason: '重复申请，' }).body;
      assert.ok(paused.includes('理由：重复申请。</p>'), 'a trailing pause mark gives way to the full stop');
      const english = renderer.render('terminated', 'email', 'en', { ...samples.terminated, reason: 'Applied twice' }).body;
      assert.ok(english.includes('Reason: Applied twice.</p>'), english);
    });

    it('when a letter has no document number, or a points letter no policy version, then the schema refuses it', () => {
      const { documentNumber: _dropped, ...unnumbered } = policeRejection;
      assert.throws(
        () => renderer.render('rejected', 'email', 'zh-CN', unnumbered as NoticeData<'rejected'>),
        (err: unknown) => err instanceof NoticeDataError && err.issues.some((i) => i.path === 'documentNumber'),
      );
      assert.throws(
        () => renderer.render('terminated', 'sms', 'en', { ...samples.terminated, documentNumber: 'HK-2026-000123' }),
        (err: unknown) => err instanceof NoticeDataError && err.issues.some((i) => i.path === 'documentNumber'),
      );
      assert.throws(
        () => renderer.render('rejected', 'sms', 'zh-CN', { ...policeRejection, policyVersion: undefined }),
        (err: unknown) => err instanceof NoticeDataError && err.issues.some((i) => i.path === 'policyVersion'),
      );
    });

    it('when a decision predates every authorities version, then the letter is refused as data (kept as failed), not retried', () => {
      assert.throws(
        () => renderer.render('rejected', 'email', 'zh-CN', { ...policeRejection, decidedAt: '2020-01-01T00:00:00Z' }),
        (err: unknown) => err instanceof NoticeDataError && /no authorities data is in force on 2020-01-01/.test(err.message),
      );
    });
  });

  describe('what the builders put in a letter (workflows/case-notices.ts)', () => {
    const at = '2026-04-02T03:00:00Z';
    function townCase(): CaseState {
      return {
        caseId: 'c-1',
        caseNumber: 'HK-2026-000123',
        applicantUserId: 'u-1',
        application: {
          route: 'town',
          town: 'zhouzhi',
          applicant: { idNumber: FULL_ID, name: '张三', relation: 'applicant' },
          family: [{ idNumber: '610102199001011234', name: '张小明', relation: 'child', schoolLevel: 'kindergarten' }],
          contact: { phone: '13800138000', locale: 'zh-CN' },
        },
        status: 'withdrawn',
        submittedAt: '2026-03-01T02:15:00Z',
        lastProgressAt: at,
        collectiveHousehold: false,
        steps: {
          police: {
            department: 'police',
            status: 'cancelled',
            overdue: false,
            checkFailures: 0,
            internalNotes: [],
            supplement: { requestedAt: '2026-03-01T03:00:00Z', dueAt: '2026-03-20T09:30:00Z', missing: ['居住证'] },
          },
        },
        reservations: [],
        failingCompensations: [],
      };
    }
    const outcomeOf = (o: Partial<CaseOutcomeInfo>): CaseOutcomeInfo => ({
      status: 'withdrawn',
      at,
      by: 'system',
      role: 'system',
      reasons: [],
      ...o,
    });
    const AS_ASKED = [/as you asked/i, /at your request/i, /根据您的申请/, /按您的要求/, /应您的要求/];

    it('when a supplement deadline passed (outcome note supplement_deadline_passed), then the notice says it lapsed for that, never "as you asked", in every channel and locale', () => {
      const s = townCase();
      s.outcome = outcomeOf({ note: 'supplement_deadline_passed' });
      const req = notices.withdrawn(s, at);
      assert.equal(req.data.lapsed, true);
      assert.deepEqual(req.data.missedSupplement, { department: 'police', deadline: '2026-03-20T09:30:00Z' });

      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          const { subject, body } = renderer.render('withdrawn', channel, locale, req.data);
          for (const phrase of AS_ASKED) assert.doesNotMatch(subject + body, phrase, `${channel}/${locale}`);
          assert.match(
            body,
            locale === 'zh-CN' ? /补正期限.*届满/ : /deadline passed/,
            `${channel}/${locale} says the deadline passed`,
          );
          assert.match(subject, locale === 'zh-CN' ? /逾期未补正/ : /deadline passed/);
        }
      }
      const letter = renderer.render('withdrawn', 'email', 'zh-CN', req.data).body;
      assert.ok(letter.includes('补正期限（2026年3月20日 17:30，北京时间）届满仍未收到周至县公安局要求补正的材料'));
      // Whom to contact: the office of the department that asked, in the case's area.
      assert.equal(req.data.area, 'zhouzhi');
      assert.ok(letter.includes('请尽快与周至县公安局的办事窗口联系'), letter);
    });

    it('§28 when a family settles, then its letter speaks of housing security only when the applicant owns no home', () => {
      const withHousing = (residence: 'owned' | 'public_rental_certified' | 'none'): CaseState => {
        const s = townCase();
        s.status = 'settled';
        s.steps.housing = {
          department: 'housing',
          status: 'approved',
          overdue: false,
          checkFailures: 0,
          internalNotes: [],
          check: { at, findings: [], results: [{ personIndex: 0, result: { department: 'housing', residence } }] },
        };
        return s;
      };
      assert.equal(notices.settled(withHousing('owned'), at).data.housingSecurityEligible, false, 'an owner');
      assert.equal(
        notices.settled(withHousing('public_rental_certified'), at).data.housingSecurityEligible,
        true,
        'a public-rental tenant',
      );
      assert.equal(notices.settled(withHousing('none'), at).data.housingSecurityEligible, true, 'no home on record');
    });

    it('when an application is withdrawn, then the letter names the police household counter of the case’s area; a notice stored without its area keeps the city bureau', () => {
      const s = townCase();
      s.outcome = outcomeOf({});
      const req = notices.withdrawn(s, at);
      const zh = renderer.render('withdrawn', 'email', 'zh-CN', req.data).body;
      const en = renderer.render('withdrawn', 'email', 'en', req.data).body;
      const older = renderer.render('withdrawn', 'email', 'zh-CN', samples.withdrawn).body;
      assert.ok(zh.includes('如非本人操作，请尽快与周至县公安局户政窗口联系'), zh);
      assert.ok(en.includes('household registration counter of the Zhouzhi County Public Security Bureau promptly'), en);
      assert.ok(older.includes('请尽快与市公安局户政窗口联系'), older);
    });

    it('when a provisional supplement deadline is reminded of, then the reminder says it is provisional too, and a firm one does not', () => {
      const deadline = '2026-03-20T09:30:00Z';
      const provisional = notices.supplementReminder(townCase(), 'police', ['居住证'], deadline, 1, true);
      const firm = notices.supplementReminder(townCase(), 'police', ['居住证'], deadline, 1);
      assert.equal(provisional.data.deadlineProvisional, true);
      assert.equal(firm.data.deadlineProvisional, undefined);
      assert.ok(renderer.render('supplement_reminder', 'sms', 'zh-CN', provisional.data).body.includes('（北京时间，暂定）'));
      assert.ok(!renderer.render('supplement_reminder', 'sms', 'zh-CN', firm.data).body.includes('暂定'));
    });

    it('when an officer is reminded of a provisional due time, then the SMS and the letter say it may move, and a firm one does not', () => {
      const dueAt = '2026-03-20T09:30:00Z';
      const provisional = notices.officerReminder(townCase(), 'police', dueAt, 1, true);
      const firm = notices.officerReminder(townCase(), 'police', dueAt, 1);
      assert.equal(provisional.data.dueProvisional, true, 'the flag rides in the data');
      assert.equal(firm.data.dueProvisional, undefined, 'a firm due time carries no flag');
      const zhSms = renderer.render('officer_reminder', 'sms', 'zh-CN', provisional.data).body;
      assert.ok(zhSms.includes('2026年3月20日 17:30（北京时间，暂定）前处理'), zhSms);
      assert.ok(
        renderer.render('officer_reminder', 'sms', 'en', provisional.data).body.includes('(Beijing time; provisional)'),
        'en SMS',
      );
      const zhLetter = renderer.render('officer_reminder', 'email', 'zh-CN', provisional.data).body;
      assert.ok(zhLetter.includes('（北京时间，暂定）') && zhLetter.includes('该期限为暂定'), 'zh letter');
      const enLetter = renderer.render('officer_reminder', 'email', 'en', provisional.data).body;
      assert.ok(
        enLetter.includes('(Beijing time; provisional)') && enLetter.includes('This due time is provisional'),
        'en letter',
      );
      for (const channel of ['sms', 'email'] as const)
        for (const locale of ['zh-CN', 'en'] as const) {
          const body = renderer.render('officer_reminder', channel, locale, firm.data).body;
          assert.ok(!/暂定|provisional/.test(body), `${channel} ${locale} without the flag`);
          assert.ok(/北京时间|Beijing time/.test(body), `${channel} ${locale} still names the time zone`);
        }
    });

    it('when the applicant withdrew, then the notice still confirms it as their own request', () => {
      const s = townCase();
      s.outcome = outcomeOf({ by: 'u-1', role: 'applicant', note: 'withdrawn by the applicant' });
      const req = notices.withdrawn(s, at);
      assert.equal(req.data.lapsed, false);
      assert.equal(req.data.missedSupplement, undefined);
      assert.ok(renderer.render('withdrawn', 'email', 'zh-CN', req.data).body.includes('按您的要求撤回'));
      assert.ok(renderer.render('withdrawn', 'email', 'en', req.data).body.includes('As you asked'));
    });

    it('§21 when reservations are released, then the notice shows 周至县 and 幼儿园, never a pool key, in both locales', () => {
      const s = townCase();
      const released: CaseState['reservations'] = [
        {
          kind: 'school_place',
          pool: 'school:zhouzhi:kindergarten',
          item: 'child-1',
          personIndex: 1,
          status: 'released',
          heldAt: at,
        },
        { kind: 'residence_confirmation', pool: 'residence:zhouzhi', item: 'household', status: 'released', heldAt: at },
        { kind: 'provisional_registration', pool: 'provisional_registration', item: 'household', status: 'released', heldAt: at },
      ];
      const req = notices.reservationsReleased(s, released, 'withdrawn', at);
      assert.doesNotMatch(JSON.stringify(req.data), /school:|quota:|residence:|collective:/);

      const expected: Record<Locale, string[]> = {
        'zh-CN': ['周至县', '幼儿园', '张小明'],
        en: ['Zhouzhi County', 'kindergarten', '张小明'],
      };
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          // What was released is listed in the letter (an SMS carries no free text: the provider's own).
          const rendered = renderer.render('reservations_released', channel, locale, req.data);
          const body = channel === 'email' ? rendered.body : rendered.sms!.letter;
          for (const word of expected[locale]) assert.ok(body.includes(word), `${channel}/${locale} shows ${word}`);
          assert.doesNotMatch(body, /school:|quota:|zhouzhi|kindergarten:/, `${channel}/${locale} shows no key`);
        }
      }
    });

    it('when a case is refused or terminated, then the builders carry the number, the signing department and the route; IDs stay masked', () => {
      const s: CaseState = { ...townCase(), status: 'rejected' };
      const refusal = outcomeOf({
        status: 'rejected',
        reasons: [{ code: 'no_legal_residence', department: 'housing' }],
        documentNumber: '西房落不许字〔2026〕第000001号',
      });
      const rejected = notices.rejected(s, refusal);
      assert.equal(rejected.data.documentNumber, '西房落不许字〔2026〕第000001号');
      assert.equal(rejected.data.issuingDepartment, 'housing');
      assert.equal(rejected.data.route, 'town');
      assert.equal(rejected.data.idNumber, MASKED_ID);
      assert.ok(
        renderer.render('rejected', 'email', 'zh-CN', rejected.data).body.includes('西安市房屋管理局于2026年4月2日决定不予落户'),
      );

      const termination = outcomeOf({ status: 'terminated', by: 'sv-1', role: 'supervisor', note: '重复申请' });
      const terminated = notices.terminated(s, termination, '西公户终字〔2026〕第000003号');
      assert.equal(terminated.event, 'terminated');
      assert.equal(terminated.data.issuingDepartment, 'police');
      assert.equal(terminated.data.reason, '重复申请');
      assert.doesNotMatch(JSON.stringify([rejected, terminated]), new RegExp(FULL_ID));
    });
  });

  describe('untrusted text', () => {
    const hostile = '<script>alert(1)</script>';

    it('when a name contains markup, then the letter escapes it and the SMS, the provider’s text, carries no name', () => {
      for (const locale of LOCALES) {
        const data = { ...samples.case_received, recipientName: hostile };
        const email = renderer.render('case_received', 'email', locale, data);
        const sms = renderer.render('case_received', 'sms', locale, data);

        assert.ok(!email.body.includes('<script>'));
        assert.ok(email.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
        assert.ok(!sms.body.includes('script'), 'no name on a phone');
        assert.equal(sms.sms?.letter, withoutEmailLines(email.body));
        assert.ok(!email.subject.includes('script') && !sms.subject.includes('script'), 'subjects carry no names');
      }
    });

    it('when a name contains control or bidi characters, then they are stripped before rendering', () => {
      const data = { ...samples.withdrawn, recipientName: '张\u0000三\u202E\r\n\u0007' };
      const letter = renderer.render('withdrawn', 'email', 'zh-CN', data).body;
      assert.ok(letter.includes('张三'), 'the name, stripped');
      assert.doesNotMatch(letter.replace(/\n/g, ''), /[\p{Cc}\u202E]/u);
    });

    it('when a name is nothing but control characters, then the schema refuses it', () => {
      assert.throws(
        () => renderer.render('withdrawn', 'sms', 'en', { ...samples.withdrawn, recipientName: '\u0000\u0007 ' }),
        (err: unknown) => err instanceof NoticeDataError && err.message.includes('recipientName'),
      );
    });

    it('when names use rare characters (生僻字) and emoji, then they round-trip intact in every channel and locale', () => {
      const name = '王𠀾䶮👩‍👩‍👧‍👦🇨🇳';
      const child = '李𪚥';
      const data = {
        ...samples.settled,
        recipientName: name,
        children: [
          {
            name: child,
            schoolLevel: 'junior_secondary' as const,
            area: 'lantian' as const,
            waiting: false,
            school: '䶮𠀾中学',
            feeWaiver: true,
            examEligible: true,
          },
        ],
      };
      for (const channel of CHANNELS) {
        for (const locale of LOCALES) {
          const rendered = renderer.render('settled', channel, locale, data);
          const body = channel === 'email' ? rendered.body : rendered.sms!.letter;
          assert.ok(body.includes(name), `${channel}/${locale} keeps ${name}`);
          assert.doesNotMatch(body, /\uFFFD/, 'no replacement characters');
          if (channel === 'email') assert.ok(body.includes(child) && body.includes('䶮𠀾中学'));
        }
      }
    });
  });

  describe('schemas', () => {
    it('when an unmasked ID number is given, then the schema refuses it without echoing it', () => {
      const result = NOTICE_SCHEMAS.settled.safeParse({ ...samples.settled, idNumber: FULL_ID });
      assert.equal(result.success, false);

      assert.throws(
        () => renderer.render('rejected', 'email', 'zh-CN', { ...samples.rejected, idNumber: FULL_ID }),
        (err: unknown) =>
          err instanceof NoticeDataError &&
          err.issues.some((i) => i.path === 'idNumber' && /masked/.test(i.message)) &&
          !err.message.includes(FULL_ID),
      );
    });

    it('when an ID number is masked by domain/masking, then the schema accepts the result', () => {
      const data = { ...samples.settled, idNumber: maskIdNumber('11010519491231002x') };
      assert.equal(NOTICE_SCHEMAS.settled.safeParse(data).success, true);
      assert.equal(data.idNumber, MASKED_ID);
    });

    it('when free text contains a full ID number, then the notice shows it masked', () => {
      const data = {
        ...samples.rejected,
        reasons: [{ code: 'identity_mismatch' as const, department: 'police' as const, note: `号码${FULL_ID}与登记不符` }],
      };
      for (const channel of CHANNELS) {
        const body = renderer.render('rejected', channel, 'zh-CN', data).body;
        assert.ok(!body.includes(FULL_ID), `${channel} leaks the full ID number`);
      }
      assert.ok(renderer.render('rejected', 'email', 'zh-CN', data).body.includes(`号码${escapeHtml(MASKED_ID)}与登记不符`));
    });

    it('when a family member carries an unmasked ID number, then the error names that member’s field', () => {
      const data = {
        ...samples.settled,
        familyMembers: [{ name: '李四', idNumber: '610102199001011234', relation: 'spouse' as const }],
      };
      assert.throws(
        () => renderer.render('settled', 'sms', 'zh-CN', data),
        (err: unknown) => err instanceof NoticeDataError && err.message.includes('familyMembers.0.idNumber'),
      );
    });

    it('when data carries a field the notice does not declare, then it is refused rather than passed through', () => {
      const data = { ...samples.withdrawn, applicant: { idNumber: FULL_ID } } as unknown as NoticeData<'withdrawn'>;
      assert.throws(
        () => renderer.render('withdrawn', 'email', 'en', data),
        (err: unknown) => err instanceof NoticeDataError && err.message.includes('applicant'),
      );
    });

    it('when a field is invalid, then the error names its path', () => {
      const badCode = {
        ...samples.rejected,
        reasons: [{ code: 'bad_luck', department: 'police' }],
      } as unknown as NoticeData<'rejected'>;
      assert.throws(
        () => renderer.render('rejected', 'sms', 'en', badCode),
        (err: unknown) => err instanceof NoticeDataError && /reasons\.0\.code/.test(err.message),
      );
      assert.throws(
        () =>
          renderer.render('rejected', 'sms', 'en', {
            ...samples.rejected,
            reasons: [{ code: 'other', department: 'police' }],
          }),
        (err: unknown) => err instanceof NoticeDataError && /reasons\.0\.note/.test(err.message),
      );
      assert.throws(
        () => renderer.render('case_received', 'sms', 'en', { ...samples.case_received, caseNumber: '123' }),
        (err: unknown) => err instanceof NoticeDataError && /caseNumber/.test(err.message),
      );
      assert.throws(
        () => renderer.render('officer_reminder', 'sms', 'en', { ...samples.officer_reminder, dueAt: '10 March' }),
        (err: unknown) => err instanceof NoticeDataError && /dueAt/.test(err.message),
      );
    });

    it('when the area does not belong to the route, then it is refused', () => {
      assert.throws(
        () => renderer.render('case_received', 'email', 'zh-CN', { ...samples.case_received, route: 'town', area: 'yanta' }),
        (err: unknown) => err instanceof NoticeDataError && /area/.test(err.message),
      );
    });

    it('when a link is not https, then it is refused', () => {
      assert.throws(
        () =>
          renderer.render('supplement_requested', 'email', 'en', {
            ...samples.supplement_requested,
            uploadUrl: 'javascript:alert(1)',
          }),
        (err: unknown) => err instanceof NoticeDataError && /uploadUrl/.test(err.message),
      );
    });
  });

  describe('construction', () => {
    function copyTemplates(): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'notice-templates-'));
      cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
      return dir;
    }

    it('when a template file is missing, then construction fails naming the file', () => {
      const dir = copyTemplates();
      try {
        rmSync(path.join(dir, templateFile('rejected', 'en')));
        assert.throws(
          () => createNoticeRenderer({ templatesDir: dir }),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('rejected', 'email.en.hbs')),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when a template has no subject line, then construction fails naming the file', () => {
      const dir = copyTemplates();
      try {
        const file = path.join(dir, templateFile('withdrawn', 'en'));
        writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
        assert.throws(
          () => createNoticeRenderer({ templatesDir: dir }),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('withdrawn', 'email.en.hbs')),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when a template uses an unknown helper or bad syntax, then construction fails, not the first render', () => {
      const dir = copyTemplates();
      try {
        const file = path.join(dir, templateFile('settled', 'zh-CN'));
        writeFileSync(file, `${readFileSync(file, 'utf8')}{{shout recipientName}}`);
        assert.throws(
          () => createNoticeRenderer({ templatesDir: dir }),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('settled', 'email.zh-CN.hbs')),
        );
        writeFileSync(file, '{{!-- subject: x --}}\n{{#if recipientName}}unclosed');
        assert.throws(() => createNoticeRenderer({ templatesDir: dir }), /settled.email\.zh-CN\.hbs/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when the templates folder is inspected, then it holds exactly one letter per event × locale (SMS texts are the approved ones)', () => {
      const expected = NOTICE_EVENTS.flatMap((e) => LOCALES.map((l) => templateFile(e, l))).sort();
      const actual = NOTICE_EVENTS.flatMap((e) =>
        readdirSync(path.join(DEFAULT_TEMPLATES_DIR, e)).map((f) => path.join(e, f)),
      ).sort();
      assert.equal(expected.length, NOTICE_EVENTS.length * 2);
      assert.deepEqual(actual, expected);
    });

    it('when the renderer registers its helpers, then the global Handlebars environment is untouched', () => {
      assert.equal(Handlebars.helpers['t'], undefined);
      assert.equal(Handlebars.helpers['date'], undefined);
    });
  });

  describe('§20: surrendering rural land rights is never a condition', () => {
    const FORBIDDEN = [
      '土地承包经营权',
      '土地承包',
      '承包地',
      '宅基地',
      '集体收益分配',
      '集体收益',
      '三权',
      /land contract/i,
      /contracted land/i,
      /homestead/i,
      /collective income/i,
      /land rights?/i,
      /land[- ]use right/i,
    ];

    function offending(text: string): string[] {
      return FORBIDDEN.filter((term) => (typeof term === 'string' ? text.includes(term) : term.test(text))).map(String);
    }

    it('when every template file is scanned, then none mentions land-contract, homestead or collective-income rights', () => {
      for (const event of NOTICE_EVENTS) {
        for (const locale of LOCALES) {
          const file = templateFile(event, locale);
          const source = readFileSync(path.join(DEFAULT_TEMPLATES_DIR, file), 'utf8');
          assert.deepEqual(offending(source), [], `${file} mentions rural land rights`);
          const sms = loadSmsTemplates().templates[event][locale].text;
          assert.deepEqual(offending(sms), [], `the approved SMS ${event}/${locale} mentions rural land rights`);
        }
      }
    });

    it('when every label and every rendered notice is scanned, then none mentions them either', () => {
      for (const table of Object.values(LABELS)) {
        for (const entry of Object.values(table)) {
          for (const text of Object.values(entry)) assert.deepEqual(offending(text), [], text);
        }
      }
      for (const event of NOTICE_EVENTS) {
        for (const channel of CHANNELS) {
          for (const locale of LOCALES) {
            const { subject, body } = renderer.render(event, channel, locale, samples[event]);
            assert.deepEqual(offending(subject + body), [], `${event}/${channel}/${locale}`);
          }
        }
      }
    });
  });
});
