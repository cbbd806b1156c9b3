/**
 * The admission-round pages (issue 13) as rendered: the public ranking (masked, points by
 * indicator in words, cut-off, notice end as a date, no objection text), the objection link only
 * for a signed-in visitor during the notice, the supervisors' page with the objections' reasons
 * and their forms, and the case's round on the applicant's, officer's and supervisor's case pages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundEventWhat } from '../../web/pages/supervisor/rounds';
import { applicantView, officerView, supervisorView } from '../../app/views/case-views';
import { publicRoundView, roundSummary, supervisorRoundView } from '../../app/views/round-views';
import type { CaseState } from '../../domain/case-state';
import { findRound } from '../../domain/admission-rounds';
import type { Locale } from '../../domain/vocabulary';
import { loadRoundsFiles } from '../../policy/round-files';
import { loadViews } from '../../web/render';
import { roundDisplay, roundRows } from '../../web/pages/rounds/round-display';
import { outcomeNoteText, reasonOffice, stepsOf } from '../../web/pages/applicant/case';
import { objectionOffer } from '../../web/pages/rounds.pages';
import type { Request } from 'express';
import { OBJECTION_REASON, OBJECTOR_ID, noticeRoundView, rankingDoc } from '../support/published-rounds';

const views = loadViews();
const found = findRound(loadRoundsFiles(), '2026-1');
const page = (name: string, locale: Locale, data: Record<string, unknown>) =>
  views.render(name, { title: 't', nav: [], csrfToken: 'csrf-token-1', locale, ...data });

/** The supervisor's case page with nothing but the case and its step rows (none unless given). */
function supervisorCasePage(c: ReturnType<typeof supervisorView>, steps: Array<{ dueProvisional?: boolean }> = []): string {
  return page('supervisor/case', 'zh-CN', {
    c,
    steps,
    // As web/pages/supervisor/case.ts: one note under the steps for the dates marked provisional.
    anyDueProvisional: steps.some((s) => s.dueProvisional),
    timeline: [],
    ledger: [],
    incidents: [],
    notices: [],
    forms: {},
    fieldErrors: {},
  });
}

function publicPage(locale: Locale, objecting: boolean): string {
  const view = publicRoundView({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-22');
  return page('rounds/round', locale, {
    round: roundDisplay(view, locale, objecting ? { objectHref: (e) => `/rounds/2026-1/objections/new?entry=${e}` } : {}),
    signedIn: objecting,
    signInHref: '/auth/sign-in?back=%2Frounds%2F2026-1',
  });
}

const pointsCase = (round: CaseState['round']): CaseState => ({
  caseId: 'c-1',
  caseNumber: 'HK-2026-000777',
  applicantUserId: 'u-1',
  application: {
    route: 'points',
    district: 'beilin',
    applicant: { idNumber: '11010519491231002X', name: '张三', relation: 'applicant' },
    family: [],
    contact: { phone: '13800138000', locale: 'zh-CN' },
  },
  status: 'awaiting_round',
  submittedAt: '2026-03-01T02:15:00Z',
  lastProgressAt: '2026-05-20T02:00:00Z',
  collectiveHousehold: false,
  steps: {
    hrss: { department: 'hrss', status: 'approved', overdue: false, checkFailures: 0, internalNotes: [] },
  },
  reservations: [],
  failingCompensations: [],
  round,
  pastRounds: [{ roundId: '2025-2', status: 'not_admitted', rank: 9, cutoff: 80 }],
});

const ranked = {
  roundId: '2026-1',
  status: 'admitted_provisionally' as const,
  opensOn: '2026-01-05',
  closesOn: '2026-06-30',
  rank: 2,
  cutoff: 74,
  noticeEndsAt: '2026-05-29T09:00:00.000Z',
};

describe('admission round pages', () => {
  it('when anyone opens a ranking on notice, then it shows masked entries, points by indicator, the cut-off and the notice end to the hour (the office’s close, not midnight)', () => {
    const html = publicPage('zh-CN', false);
    assert.match(html, /610113\*{8}002X/);
    assert.match(html, /参加城镇社会保险年限：54/);
    assert.match(html, /分数线：74分/);
    assert.match(html, /公示截止时间<\/dt><dd>2026年5月29日 17:00/);
    assert.match(html, /1条异议待核查/);
    assert.match(html, /拟落户/);
    assert.match(html, /登录后可对名单中的任一条提出异议/);
    assert.doesNotMatch(html, /objections\/new/);
    assert.ok(!html.includes(OBJECTION_REASON) && !html.includes(OBJECTOR_ID));
  });

  it('when a signed-in visitor opens it in English, then each entry links to its objection page and the words are English', () => {
    const html = publicPage('en', true);
    assert.match(html, /href='\/rounds\/2026-1\/objections\/new\?entry(=|&#x3D;)beilin-2'/);
    assert.match(html, /Years of urban social insurance: ?54|Years of urban social insurance：54/);
    assert.match(html, /Cut-off: 74 points/);
    assert.match(html, /Public notice ends<\/dt><dd>2026-05-29 17:00/);
    assert.doesNotMatch(html, /sign in to object/i);
    assert.match(html, /proposed for admission/, 'on notice an entry is admitted only provisionally');
  });

  it('when a round has places earlier rounds left unfilled, then its page says how many are its own and how many carried over', () => {
    const base = noticeRoundView('2026-1');
    const carried = { ...base, districts: base.districts.map((d) => ({ ...d, available: 5 })) };
    const zh = page('rounds/round', 'zh-CN', {
      round: roundDisplay(publicRoundView({ found, doc: rankingDoc(carried) }, '2026-05-22'), 'zh-CN'),
      signedIn: false,
    });
    assert.match(zh, /本批次可录取名额：5（本批次指标3个，另有此前批次未用的2个）/);
    assert.doesNotMatch(publicPage('zh-CN', false), /此前批次未用/, 'a round with only its own places says nothing of it');
  });

  it('when a round closed with nobody waiting, then its page says it is over without a ranking, not that it will close', () => {
    const view = publicRoundView({ found, doc: undefined }, '2026-07-10');
    assert.equal(view.stage, 'final');
    const zh = page('rounds/round', 'zh-CN', { round: roundDisplay(view, 'zh-CN'), signedIn: false });
    assert.match(zh, /本批次已于2026年6月30日截止，截止时没有等待排名的申请/);
    assert.doesNotMatch(zh, /截止后排名并公示/);
  });

  it('when the notice is over, then an admitted entry reads as admitted, no longer as proposed (拟落户)', () => {
    const view = publicRoundView({ found, doc: rankingDoc(noticeRoundView('2026-1', { phase: 'final' })) }, '2026-06-10');
    assert.equal(view.stage, 'final');
    const zh = page('rounds/round', 'zh-CN', { round: roundDisplay(view, 'zh-CN'), signedIn: false });
    assert.match(zh, />确定落户</);
    assert.doesNotMatch(zh, />拟落户</);
    const en = page('rounds/round', 'en', { round: roundDisplay(view, 'en'), signedIn: false });
    assert.match(en, />admitted</);
    assert.doesNotMatch(en, /proposed for admission/);
  });

  it('when a ranked case ended during the notice, then its entry reads as left, in both languages, with no objection link', () => {
    const base = noticeRoundView();
    const district = base.districts[0]!;
    const left = {
      ...district,
      entries: district.entries.map((e) => (e.entryId === 'beilin-1' ? { ...e, status: 'left' as const } : e)),
    };
    const view = publicRoundView({ found, doc: rankingDoc({ ...base, districts: [left] }) }, '2026-05-22');
    const objectHref = (e: string) => `/rounds/2026-1/objections/new?entry=${e}`;
    const zh = page('rounds/round', 'zh-CN', { round: roundDisplay(view, 'zh-CN', { objectHref }), signedIn: true });
    assert.match(zh, /已退出（申请已终结）/);
    assert.doesNotMatch(zh, /entry(=|&#x3D;)beilin-1'/, 'nobody objects to an entry whose case ended');
    assert.match(zh, /entry(=|&#x3D;)beilin-2'/);
    const en = page('rounds/round', 'en', { round: roundDisplay(view, 'en'), signedIn: false });
    assert.match(en, /left the round \(the application ended\)/);

    const c = { ...pointsCase({ ...ranked, status: 'left' }), status: 'terminated' as const };
    const html = page('applicant/case', 'zh-CN', { view: applicantView(c), steps: [], persons: [], notices: [], timeline: [] });
    assert.match(html, /已退出本批次（申请已终结）/);
    assert.doesNotMatch(html, /拟落户/, 'an ended case is not told it is proposed for admission');
  });

  it('when an auditor or operator opens a ranking on notice, then they get no object link and are told why; applicants, officers and supervisors get the links', () => {
    const onNotice = { stage: 'public_notice' as const, noticeEndsAt: '2026-05-29T09:00:00.000Z' };
    const during = Date.parse('2026-05-29T08:59:00.000Z');
    for (const role of ['applicant', 'officer', 'supervisor'] as const)
      assert.deepEqual(objectionOffer(onNotice, role, during), { objecting: true, notForRole: false, noticeOver: false }, role);
    for (const role of ['auditor', 'operator'] as const)
      assert.deepEqual(objectionOffer(onNotice, role, during), { objecting: false, notForRole: true, noticeOver: false }, role);
    assert.deepEqual(objectionOffer(onNotice, undefined, during), { objecting: false, notForRole: false, noticeOver: false });
    assert.deepEqual(objectionOffer({ stage: 'final' }, 'applicant', during), {
      objecting: false,
      notForRole: false,
      noticeOver: false,
    });

    const view = publicRoundView({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-22');
    const html = page('rounds/round', 'zh-CN', { round: roundDisplay(view, 'zh-CN'), signedIn: true, objectNotForRole: true });
    assert.doesNotMatch(html, /objections\/new/);
    assert.match(html, /审计人员和运维人员可查阅公示名单，但不参与异议/);
    assert.doesNotMatch(html, /登录后可对名单中的任一条提出异议/);
  });

  it('when the public-notice period is over but objections lodged in it are open, then nobody gets an object link and the page says no new objection is taken', () => {
    const onNotice = { stage: 'public_notice' as const, noticeEndsAt: '2026-05-29T09:00:00.000Z' };
    const after = Date.parse('2026-05-29T09:00:00.000Z');
    for (const role of ['applicant', 'officer', 'supervisor', 'auditor', undefined] as const)
      assert.deepEqual(objectionOffer(onNotice, role, after), { objecting: false, notForRole: false, noticeOver: true }, role);

    const view = publicRoundView({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-30');
    const html = page('rounds/round', 'zh-CN', {
      round: roundDisplay(view, 'zh-CN', { now: after }),
      signedIn: false,
      noticeOver: true,
    });
    assert.match(html, /公示期已结束，不再受理新的异议/);
    // The stage says so too, here and in the list; during the period it reads 公示中.
    assert.match(html, /<span class='tag tag--yellow'>公示期满，异议处理中<\/span>/);
    const during = page('rounds/round', 'zh-CN', {
      round: roundDisplay(view, 'zh-CN', { now: after - 60_000 }),
      signedIn: false,
    });
    assert.match(during, /<span class='tag tag--yellow'>公示中<\/span>/);
    const rows = roundRows(
      [roundSummary({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-30')],
      (id) => `/rounds/${id}`,
      after,
    );
    assert.equal(rows[0]?.noticeOver, true);
    assert.doesNotMatch(html, /登录后可对名单中的任一条提出异议/);
    assert.doesNotMatch(html, /objections\/new/);
  });

  it('when a round’s log is read in Chinese, then its recorded English becomes the entries it names; in English it stays as recorded', () => {
    assert.equal(roundEventWhat('round 2026-2 opened', 'zh-CN'), '');
    assert.equal(roundEventWhat('ranking published for public notice', 'zh-CN'), '');
    assert.equal(roundEventWhat('entry beilin-3 admitted in place of beilin-2', 'zh-CN'), '条目 beilin-3、条目 beilin-2');
    assert.equal(roundEventWhat('objection against yanta-1', 'en'), 'objection against yanta-1');
    // A round id shaped like an entry's is no entry; an entry the ranking knows reads as it shows it.
    assert.equal(roundEventWhat('round wmxapqhqb-1 opened', 'zh-CN'), '');
    assert.equal(
      roundEventWhat('entry beilin-3 admitted in place of beilin-2', 'zh-CN', (id) =>
        id === 'beilin-3' ? '碑林区第3名 王**' : undefined,
      ),
      '碑林区第3名 王**、条目 beilin-2',
    );
  });

  it('when a supervisor opens the round, then every objection shows its reason and objector, with a resolve form carrying the CSRF token', () => {
    const view = supervisorRoundView({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-22', 'admission-round-2026-1');
    const html = page('supervisor/round', 'zh-CN', {
      round: roundDisplay(view, 'zh-CN'),
      workflowId: view.workflowId,
      closedByText: '督办人员 吴主任（supervisor-1）',
      publicHref: '/rounds/2026-1',
      canClose: false,
      close: { requestId: 'r', reason: '' },
      objections: view.objections.map((o) => ({
        ...o,
        lodgedByText: `申请人 ${o.lodgedBy.id}`,
        statusTag: 'yellow',
        resolvable: true,
        form: { requestId: 'req-1', outcomes: [{ value: 'upheld' }, { value: 'dismissed' }], note: '' },
      })),
      events: [],
    });
    assert.ok(html.includes(OBJECTION_REASON) && html.includes(OBJECTOR_ID));
    assert.ok(html.includes('<dd>督办人员 吴主任（supervisor-1）</dd>'), 'who closed it, by name');
    assert.match(html, /action='\/supervisor\/rounds\/2026-1\/objections\/0123456789abcdef0123456789abcdef\/resolution'/);
    assert.match(html, /name='_csrf' value='csrf-token-1'/);
    assert.match(html, /成立：取消该条，下一位依次递补/);
    assert.doesNotMatch(html, /close-reason/, 'a round on notice cannot be closed again');
  });

  it('when the applicant opens a case ranked in a round, then the page shows the round, its status, rank, cut-off and notice end as a date', () => {
    const view = applicantView(pointsCase(ranked));
    assert.deepEqual(view.round, ranked);
    const html = page('applicant/case', 'zh-CN', { view, steps: [], persons: [], notices: [], timeline: [] });
    assert.match(html, /审核通过，参加积分落户排名/);
    assert.doesNotMatch(html, /等待积分排名/, 'a ranked case is not told it waits for the ranking');
    // The same page in English puts its pieces together with English punctuation.
    const en = page('applicant/case', 'en', { view, steps: [], persons: [], notices: [], timeline: [] });
    const main = /<main[\s\S]*<\/main>/.exec(en)?.[0] ?? '';
    assert.ok(main.length > 0);
    assert.doesNotMatch(main, /[：（）、；]/, 'full-width punctuation on an English page');
    assert.match(html, /积分落户批次/);
    assert.match(html, /拟落户（公示中）/);
    assert.match(html, /第2名/);
    assert.match(html, /本区分数线<\/dt><dd>74/);
    assert.match(html, /2026年5月29日/);
    assert.match(html, /href='\/rounds\/2026-1'/);
    assert.match(html, /2025年第2批次<\/a>：本批次未入围/);
  });

  it('when an officer or supervisor opens the case, then they see its round briefly; the officer not the cut-off', () => {
    const officer = officerView(pointsCase(ranked), 'hrss');
    assert.deepEqual(officer.round, { roundId: '2026-1', status: 'admitted_provisionally', rank: 2 });
    const supervisor = supervisorView(pointsCase(ranked));
    assert.equal(supervisor.round?.cutoff, 74);
    const html = supervisorCasePage(supervisor);
    assert.match(html, /href="\/supervisor\/rounds\/2026-1"/);
  });

  it('when a case has no round, then the case views carry none and the page has no round section', () => {
    const view = applicantView(pointsCase(undefined));
    assert.equal(view.round, undefined);
    const html = page('applicant/case', 'zh-CN', { view, steps: [], persons: [], notices: [], timeline: [] });
    assert.doesNotMatch(html, /round-title/);
  });

  describe('provisional deadlines (a year without its holiday calendar)', () => {
    const provisionalRound = { ...ranked, noticeEndsProvisional: true };
    // Housing asked for material: the officer's due day and the applicant's deadline both counted into 2027.
    const waitingOnApplicant = (round: CaseState['round']): CaseState => {
      const c = pointsCase(round);
      c.status = 'supplement_requested';
      c.steps.housing = {
        department: 'housing',
        status: 'supplement_requested',
        dueAt: '2027-01-08T09:00:00.000Z',
        dueProvisional: true,
        overdue: false,
        checkFailures: 0,
        internalNotes: [],
        supplement: {
          requestedAt: '2026-12-02T02:00:00.000Z',
          dueAt: '2026-12-23T09:00:00.000Z',
          dueProvisional: true,
          missing: ['房屋产权证明'],
        },
      };
      return c;
    };
    const zhNote = '（其所依据的节假日安排尚未收录，暂按工作日推算，可能调整）';
    const enNote = 'provisional: a holiday calendar it depends on is not in the system yet, so it may move';

    it('when the round’s notice end was counted without a calendar, then the case’s round says so and the applicant’s page notes it after the date, in both languages', () => {
      const view = applicantView(pointsCase(provisionalRound));
      assert.equal(view.round?.noticeEndsProvisional, true);
      const zh = page('applicant/case', 'zh-CN', { view, steps: [], persons: [], notices: [], timeline: [] });
      assert.ok(zh.includes(`2026年5月29日 17:00${zhNote}`), 'the note follows the notice end');
      const en = page('applicant/case', 'en', { view, steps: [], persons: [], notices: [], timeline: [] });
      assert.ok(en.includes(enNote));
      const firm = page('applicant/case', 'zh-CN', {
        view: applicantView(pointsCase(ranked)),
        steps: [],
        persons: [],
        notices: [],
        timeline: [],
      });
      assert.ok(!firm.includes(zhNote), 'a date counted on a published calendar carries no note');
    });

    it('when the applicant’s supplement deadline is provisional, then their page notes it at the request and marks it on the step', () => {
      const view = applicantView(waitingOnApplicant(ranked));
      const steps = stepsOf({ locale: 'zh-CN' } as Request, view);
      const housing = steps.find((s) => s.department === 'housing')!;
      assert.equal(housing.dueAt, '2026-12-23T09:00:00.000Z', 'the applicant’s deadline, not the officer’s');
      assert.equal(housing.dueProvisional, true);
      assert.equal(housing.supplement?.dueProvisional, true);
      const html = page('applicant/case', 'zh-CN', {
        view,
        steps,
        anyDueProvisional: true,
        persons: [],
        notices: [],
        timeline: [],
      });
      // At the request: the deadline in Beijing time, marked provisional, and why it may move.
      assert.equal(html.split('（北京时间，暂定）前补充以下材料').length - 1, 1, 'at the request');
      assert.equal(html.split('推算该期限所需的节假日安排尚未全部公布').length - 1, 1, 'why, at the request');
      // On the step the date is marked, and why is said once under the list.
      assert.equal(html.split('（暂定）').length - 1, 1);
      assert.equal(html.split('标“暂定”的日期').length - 1, 1);
    });

    it('when the system ended a case for a lapsed supplement, then the applicant reads why in words, not as its code; a person’s note stays as written', () => {
      assert.equal(
        outcomeNoteText({ locale: 'zh-CN' } as Request, 'supplement_deadline_passed'),
        '补正期限届满未补正，按撤回处理',
      );
      assert.match(outcomeNoteText({ locale: 'en' } as Request, 'supplement_deadline_passed')!, /treated as withdrawn/);
      assert.equal(outcomeNoteText({ locale: 'en' } as Request, '材料不全'), '材料不全');
      assert.equal(outcomeNoteText({ locale: 'zh-CN' } as Request, 'withdrawn by the applicant'), undefined);
    });

    it('when the officer wrote the material list in Chinese, then the English page says it is shown as written; the Chinese page does not', () => {
      const view = applicantView(waitingOnApplicant(ranked));
      const render = (locale: 'zh-CN' | 'en') =>
        page('applicant/case', locale, {
          view,
          steps: stepsOf({ locale } as Request, view),
          persons: [],
          notices: [],
          timeline: [],
        });
      assert.ok(render('en').includes('The department wrote the name of each item below in Chinese'));
      assert.ok(render('en').includes('房屋产权证明'), 'the item itself, as written');
      assert.ok(!render('zh-CN').includes('经办部门的原文'));
    });

    it('when an officer or a supervisor opens the case, then their due dates carry the note too', () => {
      const c = waitingOnApplicant(provisionalRound);
      const officer = officerView(c, 'housing');
      const officerHtml = page('officer/case', 'en', {
        c: officer,
        step: officer.step,
        findings: [],
        checkResults: [],
        forms: {},
        fieldErrors: {},
      });
      // The applicant's deadline (the step's own is paused meanwhile, and says so).
      assert.equal(officerHtml.split(enNote).length - 1, 1);
      assert.ok(officerHtml.includes('(provisional; this step’s deadline paused)'), 'and the short mark where the due date is');

      const supervisor = supervisorView(c);
      const html = supervisorCasePage(
        supervisor,
        supervisor.steps.map((s) => ({
          ...s,
          dueAt: s.supplement?.dueAt ?? s.dueAt,
          dueProvisional: s.supplement?.dueProvisional ?? s.dueProvisional,
        })),
      );
      // The round's notice end says why after the date; the housing step's deadline is marked,
      // with the note once under the steps.
      assert.equal(html.split(zhNote).length - 1, 1);
      assert.equal(html.split('（暂定）').length - 1, 1);
      assert.equal(html.split('标“暂定”的日期').length - 1, 1);
    });
  });

  it('when a case is refused for an upheld objection to the ranking, then the applicant’s page names the city department, as the letter does; an officer’s refusal names the area’s office', () => {
    const zh = { locale: 'zh-CN' } as Request;
    assert.equal(reasonOffice(zh, { code: 'objection_upheld', department: 'hrss' }, 'yanta'), '市人社局');
    assert.equal(reasonOffice(zh, { code: 'quota_exhausted', department: 'police' }, 'yanta'), '市公安局');
    assert.equal(reasonOffice(zh, { code: 'insufficient_points', department: 'hrss' }, 'yanta'), '雁塔区人社局');
    assert.equal(reasonOffice(zh, { code: 'criminal_record', department: 'police' }, 'yanta'), '市公安局雁塔分局');
  });

  it('when the list of rounds shows a round still open, then it says how many cases wait in it; an ended round nobody joined says 0, not a blank', () => {
    const summary = (roundId: string, stage: 'open' | 'final', waiting: number) => ({
      roundId,
      year: 2026,
      stage,
      opensOn: '2026-01-05',
      closesOn: '2026-06-30',
      published: false,
      waiting,
      closedEarly: false,
      entries: 0,
      admitted: 0,
      openObjections: 0,
    });
    const html = page('rounds/list', 'zh-CN', {
      rounds: roundRows([summary('2026-1', 'final', 0), summary('2026-2', 'open', 5)], (id) => `/rounds/${id}`),
    });
    const cells = (roundId: string) =>
      html.split(`>${roundId === '2026-1' ? '2026年第1批次' : '2026年第2批次'}</a>`)[1]!.split('</tr>')[0]!;
    assert.match(cells('2026-2'), /等待排名 5/);
    assert.match(cells('2026-1'), /data-label='排名人数'>0</);
  });
});
