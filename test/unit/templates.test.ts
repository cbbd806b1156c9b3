import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import {
  CHANNELS,
  HOUSEHOLD_TYPE,
  LOCALES,
  NOTICE_EVENTS,
  type Channel,
  type Locale,
  type NoticeEvent,
} from '../../domain/vocabulary';
import { NOTICE_SCHEMAS, type NoticeData } from '../../templates/schemas';
import { maskIdNumber } from '../../domain/masking';
import { LABELS } from '../../activities/notifications/labels';
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
    reasons: [
      { code: 'insufficient_points', department: 'hrss' },
      { code: 'other', department: 'housing', note: '租赁合同未备案' },
    ],
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
    released: [
      { kind: 'quota_slot' },
      { kind: 'collective_household_slot' },
      { kind: 'school_place', personName: '张小明' },
      { kind: 'provisional_registration' },
    ],
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
};

/** Events whose letter is addressed to the applicant as a registered person and so shows the masked ID. */
const SHOWS_ID: readonly NoticeEvent[] = ['case_received', 'settled', 'rejected'];

const SMS_MAX: Record<Locale, number> = { 'zh-CN': 140, en: 300 };

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

  describe('content', () => {
    it('when a case is received, then the notice names route, area and the reviewing departments', () => {
      const zh = renderer.render('case_received', 'email', 'zh-CN', samples.case_received).body;
      const en = renderer.render('case_received', 'email', 'en', samples.case_received).body;

      assert.ok(zh.includes('市辖区积分落户') && zh.includes('雁塔区'));
      assert.ok(zh.includes('市公安局、市人社局、市房管局、市教育局'));
      assert.ok(zh.includes('2026年03月01日'));
      assert.ok(en.includes('points-based settlement') && en.includes('Yanta District'));
      assert.ok(en.includes('What happens next'));
      assert.ok(en.includes('href="https://hukou.example.gov.cn/cases"'));
    });

    it('when material is requested, then the notice lists it, gives the deadline in Beijing time and says how to provide it', () => {
      const zhSms = renderer.render('supplement_requested', 'sms', 'zh-CN', samples.supplement_requested).body;
      const en = renderer.render('supplement_requested', 'email', 'en', samples.supplement_requested).body;

      // 17:30Z is 01:30 the next day in Asia/Shanghai.
      assert.ok(zhSms.includes('房屋租赁合同复印件；公有产权房屋使用证明'));
      assert.ok(zhSms.includes('2026年03月06日 01:30'));
      assert.ok(zhSms.includes('市房管局'));
      assert.ok(en.includes('<li>房屋租赁合同复印件</li>'));
      assert.ok(en.includes('2026-03-06 01:30 (Beijing time)'));
      assert.ok(en.includes('Housing Administration Bureau service counter'));
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
      const sms = renderer.render('supplement_reminder', 'sms', 'zh-CN', samples.supplement_reminder).body;
      assert.ok(sms.includes('居住证'));
      assert.ok(sms.includes('2026年03月06日 01:30（北京时间）'));
      assert.ok(sms.includes('撤回'));
      const letter = renderer.render('supplement_reminder', 'email', 'en', samples.supplement_reminder);
      assert.match(letter.subject, /Reminder/);
      assert.ok(letter.body.includes('treated as withdrawn'));
    });

    it('when an officer is reminded, then the notice gives department, case and due time', () => {
      const body = renderer.render('officer_reminder', 'email', 'zh-CN', samples.officer_reminder).body;
      assert.ok(body.includes('市人社局'));
      assert.ok(body.includes('2026年03月10日 09:00（北京时间）'));
    });

    it('when a case is escalated, then the supervisor sees department, case, overdue-since and what it waits for', () => {
      const body = renderer.render('escalation', 'sms', 'en', samples.escalation).body;
      assert.ok(body.includes('Education Bureau'));
      assert.ok(body.includes('overdue since 2026-03-10 09:00'));
      assert.ok(body.includes('an officer’s decision'));
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
            feeWaiver: false,
            examEligible: false,
          },
        ],
      };
      const zh = renderer.render('settled', 'email', 'zh-CN', data).body;
      const en = renderer.render('settled', 'email', 'en', data).body;
      const zhSms = renderer.render('settled', 'sms', 'zh-CN', data).body;

      assert.ok(zh.includes('张小红：周至县幼儿园学位已满，已列入轮候名单（第2位）'));
      assert.ok(zh.includes('学位不影响全家落户'));
      assert.ok(en.includes('the kindergarten places in Zhouzhi County are full, so 张小红 is on the waiting list (position 2)'));
      assert.ok(zhSms.includes('轮候学位'));
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
          const body = renderer.render('school_place_confirmed', channel, locale, data).body;
          assert.ok(body.includes('张小红') && body.includes('周至县第二幼儿园'), `${channel}/${locale}`);
        }
      }
    });

    it('when no child needs a school place, then the settled notice says nothing about schooling', () => {
      const data = { ...samples.settled, children: [] };
      for (const locale of LOCALES) {
        for (const channel of CHANNELS) {
          const body = renderer.render('settled', channel, locale, data).body;
          assert.doesNotMatch(body, /学杂费|升学考试|fees (are )?waived|entrance exams/);
        }
      }
    });

    it('when the family is eligible for housing security (§28), then the settled notice tells them, and only then', () => {
      const eligible = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      const notEligible = renderer.render('settled', 'email', 'zh-CN', {
        ...samples.settled,
        housingSecurityEligible: false,
      }).body;
      const enEligible = renderer.render('settled', 'sms', 'en', samples.settled).body;

      assert.ok(eligible.includes('住房保障'));
      assert.ok(!notEligible.includes('住房保障'));
      assert.ok(enEligible.includes('housing security'));
    });

    it('when a case settles (§25), then the letter explains the social-insurance transfer either way', () => {
      const started = renderer.render('settled', 'email', 'zh-CN', samples.settled).body;
      const notStarted = renderer.render('settled', 'email', 'en', {
        ...samples.settled,
        socialInsuranceTransferStarted: false,
      }).body;
      assert.ok(started.includes('市人社局已为您启动养老、医疗保险关系转移接续'));
      assert.ok(notStarted.includes('you may ask the Human Resources and Social Security Bureau to transfer'));
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
      const zh = renderer.render('reservations_released', 'sms', 'zh-CN', samples.reservations_released).body;
      const en = renderer.render('reservations_released', 'email', 'en', samples.reservations_released).body;

      assert.ok(zh.includes('积分落户指标、集体户落户地址、随迁子女学位（张小明）、预登记户籍记录'));
      assert.ok(en.includes('<li>points-settlement quota place</li>'));
      assert.ok(en.includes('<li>school place (张小明)</li>'));
      assert.ok(en.includes('<li>provisional registration record</li>'));
      assert.ok(en.includes('was refused'));
    });

    it('when a case is withdrawn, then the notice confirms it and says reservations will be released', () => {
      const body = renderer.render('withdrawn', 'email', 'zh-CN', samples.withdrawn).body;
      assert.ok(body.includes('2026年03月03日'));
      assert.ok(body.includes('释放'));
    });
  });

  describe('untrusted text', () => {
    const hostile = '<script>alert(1)</script>';

    it('when a name contains markup, then the email escapes it and the SMS shows it as literal text', () => {
      for (const locale of LOCALES) {
        const data = { ...samples.case_received, recipientName: hostile };
        const email = renderer.render('case_received', 'email', locale, data);
        const sms = renderer.render('case_received', 'sms', locale, data);

        assert.ok(!email.body.includes('<script>'));
        assert.ok(email.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
        assert.ok(sms.body.includes(hostile), 'plain text, not &lt; entities');
        assert.ok(!email.subject.includes('script') && !sms.subject.includes('script'), 'subjects carry no names');
      }
    });

    it('when a name contains control or bidi characters, then they are stripped before rendering', () => {
      const data = { ...samples.withdrawn, recipientName: '张\u0000三\u202E\r\n\u0007' };
      const sms = renderer.render('withdrawn', 'sms', 'zh-CN', data).body;
      assert.ok(sms.includes('张三您好'));
      assert.doesNotMatch(sms, /[\p{Cc}\u202E]/u);
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
          const body = renderer.render('settled', channel, locale, data).body;
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
        rmSync(path.join(dir, templateFile('rejected', 'email', 'en')));
        assert.throws(
          () => createNoticeRenderer(dir),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('rejected', 'email.en.hbs')),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when a template has no subject line, then construction fails naming the file', () => {
      const dir = copyTemplates();
      try {
        const file = path.join(dir, templateFile('withdrawn', 'sms', 'en'));
        writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
        assert.throws(
          () => createNoticeRenderer(dir),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('withdrawn', 'sms.en.hbs')),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when a template uses an unknown helper or bad syntax, then construction fails, not the first render', () => {
      const dir = copyTemplates();
      try {
        const file = path.join(dir, templateFile('settled', 'email', 'zh-CN'));
        writeFileSync(file, `${readFileSync(file, 'utf8')}{{shout recipientName}}`);
        assert.throws(
          () => createNoticeRenderer(dir),
          (err: unknown) => err instanceof Error && err.message.includes(path.join('settled', 'email.zh-CN.hbs')),
        );
        writeFileSync(file, '{{!-- subject: x --}}\n{{#if recipientName}}unclosed');
        assert.throws(() => createNoticeRenderer(dir), /settled.email\.zh-CN\.hbs/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when the templates folder is inspected, then it holds exactly one file per event × channel × locale', () => {
      const expected = NOTICE_EVENTS.flatMap((e) =>
        CHANNELS.flatMap((c: Channel) => LOCALES.map((l) => templateFile(e, c, l))),
      ).sort();
      const actual = NOTICE_EVENTS.flatMap((e) =>
        readdirSync(path.join(DEFAULT_TEMPLATES_DIR, e)).map((f) => path.join(e, f)),
      ).sort();
      assert.equal(expected.length, NOTICE_EVENTS.length * 4);
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
        for (const channel of CHANNELS) {
          for (const locale of LOCALES) {
            const file = templateFile(event, channel, locale);
            const source = readFileSync(path.join(DEFAULT_TEMPLATES_DIR, file), 'utf8');
            assert.deepEqual(offending(source), [], `${file} mentions rural land rights`);
          }
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
