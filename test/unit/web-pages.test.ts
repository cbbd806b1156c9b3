/** The web pages' small rules: the language chosen, the paths a redirect may go to, the catalogue. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { rmSync } from 'node:fs';
import { configuredCoverage } from '../../app/queries/calendar-coverage';
import { loadConfig } from '../../config/config';
import { MESSAGES, message } from '../../i18n/messages';
import { calendarFolder } from '../support/calendar-folder';
import { chooseLocale } from '../../web/locale';
import { loadViews } from '../../web/render';
import { localPath } from '../../web/session';
import { checkResultLines } from '../../web/pages/officer/check-details';
import { render, type PageKit } from '../../web/pages/page';

/** The page's language for these headers and query, and the `lang` cookie it sets, if any. */
function localeAndCookie(headers: Record<string, string>, query: Record<string, string> = {}): [string, string | undefined] {
  const req = { query, headers, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  let cookie: string | undefined;
  const res = { cookie: (name: string, value: string) => (cookie = `${name}=${value}`) } as unknown as Response;
  let called = false;
  chooseLocale({ secure: false })(req, res, () => (called = true));
  assert.ok(called);
  return [req.locale, cookie];
}

function localeFor(headers: Record<string, string>, query: Record<string, string> = {}): string {
  return localeAndCookie(headers, query)[0];
}

/** The HTML `render` sends for a person of `role` while `missing` years lack a holiday calendar (the message page, unless said). */
function pageFor(
  role: 'applicant' | 'officer' | 'supervisor',
  missing: number[],
  view = 'message',
  data: Record<string, unknown> = { title: 't', heading: 'h', paragraphs: [] },
): string {
  let html = '';
  const kit: PageKit = {
    views: loadViews(),
    sessionIdleMs: 30 * 60_000,
    csrfToken: () => 'token',
    signInConfigured: true,
    provisionalCalendarYears: () => missing,
    flashSecret: 'test-flash-secret',
  };
  const req = {
    locale: 'zh-CN',
    path: '/x',
    originalUrl: '/x',
    session: { user: { name: '督办员', actor: { role, sub: 'u-1' } } },
  } as unknown as Request;
  const res = {
    locals: { pageKit: kit },
    status: () => res,
    type: () => res,
    send: (body: string) => (html = body),
  } as unknown as Parameters<typeof render>[1];
  render(req, res, view, data as { title: string });
  return html;
}

describe('web pages', () => {
  describe('the holiday-calendar banner', () => {
    it('when a deadline counted now reaches a year without its calendar, then supervisors see a banner saying what to pass to the administrator, without a file path; others do not', () => {
      const page = pageFor('supervisor', [2027]);
      assert.match(page, /banner--warning/);
      assert.match(page, /2027年的节假日安排尚未收录.*请将通知转交系统管理员，由其补充相应年份的节假日日历/);
      assert.doesNotMatch(page, /policy\/calendar|\.json/);
      assert.doesNotMatch(pageFor('officer', [2027]), /banner--warning/);
      assert.doesNotMatch(pageFor('supervisor', []), /banner--warning/);
    });

    it('when the calendar folder lacks the year a deadline counted today reaches, then the supervisors’ banner names that year; with its file, no banner', () => {
      const config = loadConfig({});
      const lacking = calendarFolder(false);
      const complete = calendarFolder(true);
      try {
        const missing = (dir: string) => configuredCoverage(config, { dir, today: () => '2026-12-02' }).missing;
        assert.match(pageFor('supervisor', missing(lacking)), /2027年的节假日安排尚未收录.*请将通知转交系统管理员/);
        assert.doesNotMatch(pageFor('supervisor', missing(complete)), /banner--warning/);
      } finally {
        for (const dir of [lacking, complete]) rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('language', () => {
    it('when nothing is said, then the pages are in Chinese', () => {
      assert.equal(localeFor({}), 'zh-CN');
    });
    it('when the browser prefers English to any Chinese, then English; Chinese anywhere first keeps Chinese', () => {
      assert.equal(localeFor({ 'accept-language': 'en-GB,en;q=0.9' }), 'en');
      assert.equal(localeFor({ 'accept-language': 'zh-TW,en;q=0.8' }), 'zh-CN');
      assert.equal(localeFor({ 'accept-language': 'fr, en;q=0.5, zh;q=0.9' }), 'zh-CN');
    });
    it('when the person chose with the link (cookie) or ?lang=, then that wins', () => {
      assert.equal(localeFor({ cookie: 'a=1; lang=en', 'accept-language': 'zh-CN' }), 'en');
      assert.equal(localeFor({ cookie: 'lang=en' }, { lang: 'zh-CN' }), 'zh-CN');
      assert.equal(localeFor({ cookie: 'lang=xx' }), 'zh-CN');
    });
    it('when a page is opened with ?lang=, then the choice is kept in the cookie for the next page; the same choice again sets nothing', () => {
      assert.deepEqual(localeAndCookie({ 'accept-language': 'zh-CN' }, { lang: 'en' }), ['en', 'lang=en']);
      assert.deepEqual(localeAndCookie({ cookie: 'lang=en' }, { lang: 'en' }), ['en', undefined]);
      assert.deepEqual(localeAndCookie({ cookie: 'lang=en' }, { lang: 'xx' }), ['en', undefined]);
      assert.deepEqual(localeAndCookie({ cookie: 'lang=en' }), ['en', undefined]);
    });
  });

  describe('redirect targets', () => {
    it('when a path of the pages is given, then it is kept; another site or scheme never is', () => {
      assert.equal(localPath('/officer/inbox?status=checking'), '/officer/inbox?status=checking');
      for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', 42, '/a b'])
        assert.equal(localPath(bad), undefined, String(bad));
    });
  });

  describe('catalogue', () => {
    it('when a message has placeholders, then both languages have the same ones and none is empty', () => {
      const zh = MESSAGES['zh-CN'];
      for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
        const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        assert.ok(zh[key].trim() && MESSAGES.en[key].trim(), key);
        assert.deepEqual(names(zh[key]), names(MESSAGES.en[key]), key);
      }
    });
    it('when a message is filled, then its placeholders take the values; an unknown key throws', () => {
      assert.equal(message('en', 'signedInAs', { name: 'Li' }), 'Signed in as Li');
      assert.throws(() => message('en', 'no-such-key'), /no message/);
    });
  });

  describe('views', () => {
    it('when the views are loaded, then every page compiles, and a value is escaped, never markup', () => {
      const views = loadViews();
      const html = views.render('message', {
        title: '<script>x</script>',
        heading: '<b>h</b>',
        paragraphs: ['<img src=x onerror=alert(1)>'],
        locale: 'en',
        nav: [],
      });
      assert.doesNotMatch(html, /<script>x|<b>h|<img/);
      assert.match(html, /&lt;b&gt;h&lt;\/b&gt;/);
      assert.doesNotMatch(html, /style=|<style|<script/, 'no inline style or script: the CSP allows none');
    });

    it('when an English page shows what people wrote in Chinese, then each such part says its language (WCAG 3.1.2), escaped; a Chinese page needs no mark', () => {
      // Arrange: a material request as the officer confirms it, one item carrying markup.
      const data = (locale: 'en' | 'zh-CN') => ({
        title: 't',
        locale,
        nav: [],
        c: { caseId: 'c', caseNumber: 'HK-2026-000001', department: 'housing' },
        form: { requestId: 'r' },
        decision: { decision: 'request_supplement', missing: ['房屋产权证明原件', '<b>租房合同</b>', 'tenancy agreement'] },
        decisionText: 'x',
        whatHappens: 'y',
      });

      // Act
      const en = loadViews().render('officer/confirm', data('en'));
      const zh = loadViews().render('officer/confirm', data('zh-CN'));

      // Assert
      assert.match(en, /<li><span lang="zh-CN">房屋产权证明原件<\/span><\/li>/);
      assert.match(en, /<li><span lang="zh-CN">&lt;b&gt;租房合同&lt;\/b&gt;<\/span><\/li>/);
      assert.match(en, /<li>tenancy agreement<\/li>/, 'no Chinese, no mark');
      assert.match(zh, /<li>房屋产权证明原件<\/li>/);
      assert.doesNotMatch(zh, /<b>/);
    });

    it('when an English page names the signed-in person in Chinese, then the name says its language inside the sentence, and the rest stays escaped', () => {
      const page = (name: string, locale: 'en' | 'zh-CN') =>
        loadViews().render('message', {
          title: 't',
          heading: 'h',
          paragraphs: [],
          locale,
          nav: [],
          user: { name, roleText: 'Officer' },
        });

      assert.match(page('孙科员', 'en'), /Signed in as <span lang="zh-CN">孙科员<\/span> · Officer/);
      assert.match(page('孙<i>科员', 'en'), /Signed in as <span lang="zh-CN">孙&lt;i&gt;科员<\/span>/);
      assert.match(page('Alex <i>', 'en'), /Signed in as Alex &lt;i&gt; · Officer/);
      assert.match(page('孙科员', 'zh-CN'), /当前用户：孙科员 · Officer/);
    });

    const place = (status: string, placed: boolean) => ({
      name: '陈小宝',
      levelText: '小学',
      status,
      placed,
      feeWaiver: true,
      examEligible: true,
    });
    /** The applicant's case page of a case in `status` (a town case in Huyi unless said). */
    const applicantPage = (o: {
      status: string;
      route?: string;
      area?: string;
      schoolPlacements?: ReturnType<typeof place>[];
      score?: { rows: []; total: number; threshold: number; passed: boolean };
      ended?: boolean;
      owed?: { department: string; departmentText: string; dueAt: string; provisional: boolean }[];
    }) =>
      loadViews().render('applicant/case', {
        endedUnsettled: ['rejected', 'withdrawn', 'terminated'].includes(o.status),
        title: 't',
        locale: 'zh-CN',
        nav: [],
        view: {
          caseId: 'c',
          caseNumber: 'HK-2026-000001',
          status: o.status,
          route: o.route ?? 'town',
          area: o.area ?? 'huyi',
          submittedAt: '2026-12-01T02:00:00Z',
          lastProgressAt: '2026-12-02T02:00:00Z',
        },
        steps: [],
        schoolPlacements: o.schoolPlacements ?? [],
        score: o.score,
        ended: o.ended,
        owed: o.owed ?? [],
      });
    /** The same with these school places. */
    const applicantCase = (status: string, schoolPlacements: ReturnType<typeof place>[]) =>
      applicantPage({ status, schoolPlacements });
    /** A points case's page with this score, open or ended. */
    const pointsPage = (passed: boolean, ended = false) =>
      applicantPage({
        status: ended ? 'rejected' : 'under_review',
        route: 'points',
        area: 'yanta',
        score: { rows: [], total: passed ? 90 : 50, threshold: 70, passed },
        ended,
      });
    const noteOf = (key: 'apScoreRankingNote' | 'apScoreBelowNote') => new RegExp(message('zh-CN', key).slice(0, 20));

    it('when material is owed by a date counted before next year’s holidays were published, then the to-do banner marks it provisional, as the request below does', () => {
      const owed = (provisional: boolean) =>
        applicantPage({
          status: 'supplement_requested',
          owed: [{ department: 'police', departmentText: '公安', dueAt: '2027-01-08T09:00:00Z', provisional }],
        }).split("id='owed-title'")[1] ?? '';
      assert.match(owed(true), /公安需要您补充材料，请在.+（暂定）前提交/);
      assert.doesNotMatch(owed(false), /暂定/);
      assert.match(owed(false), /公安需要您补充材料，请在.+前提交/);
    });

    it('§2 when a points score reaches the threshold, then the page says the ranking and the quota still decide; below it, or once the case has ended, no such note', () => {
      assert.match(pointsPage(true), noteOf('apScoreRankingNote'));
      assert.doesNotMatch(pointsPage(false), noteOf('apScoreRankingNote'));
      // A case refused after it was ranked (an upheld objection) waits for no ranking.
      assert.doesNotMatch(pointsPage(true, true), noteOf('apScoreRankingNote'));
    });

    it('§2 when a points score is below the threshold on an open case, then the page says what follows (the bureau refuses unless corrected, a letter comes); once ended, nothing more', () => {
      assert.match(pointsPage(false), noteOf('apScoreBelowNote'));
      assert.doesNotMatch(pointsPage(false, true), noteOf('apScoreBelowNote'));
      assert.doesNotMatch(pointsPage(true), noteOf('apScoreBelowNote'));
    });

    it('§21 when a child has a place while the case is still under review, then the page says it is reserved until the family settles, not arranged; once settled, arranged; once ended otherwise, being released', () => {
      const reviewing = applicantCase('under_review', [place('placed', true)]);
      const settled = applicantCase('settled', [place('placed', true)]);

      assert.match(reviewing, new RegExp(message('zh-CN', 'apSchoolPlacedPending')));
      assert.doesNotMatch(reviewing, new RegExp(`>${message('zh-CN', 'apSchoolPlaced')}<`));
      assert.match(settled, new RegExp(`>${message('zh-CN', 'apSchoolPlaced')}<`));
      assert.doesNotMatch(settled, new RegExp(message('zh-CN', 'apSchoolPlacedPending')));
      // Ended otherwise while the place is still being given back: neither pending nor arranged.
      const ended = applicantCase('withdrawn', [place('placed', true)]);
      assert.match(ended, new RegExp(message('zh-CN', 'apSchoolPlacedReleasing')));
      assert.doesNotMatch(ended, new RegExp(message('zh-CN', 'apSchoolPlacedPending')));
    });

    it('§21–23 when a school place was cancelled, then the applicant’s page shows no fee waiver or exam eligibility for it; a place kept still does', () => {
      const html = applicantCase('withdrawn', [place('cancelled', false), place('placed', true)]);
      const rows = html.split('陈小宝').slice(1);
      assert.equal(rows.length, 2, 'both children listed');
      assert.doesNotMatch(rows[0]!.split('</dd>')[0]!, new RegExp(message('zh-CN', 'apSchoolFeeWaiver')), 'cancelled: no waiver');
      assert.match(rows[1]!.split('</dd>')[0]!, new RegExp(message('zh-CN', 'apSchoolFeeWaiver')), 'placed: the waiver');
      // §23: the child may sit the local entrance exams, said on the page a family reads while it waits.
      assert.doesNotMatch(rows[0]!.split('</dd>')[0]!, new RegExp(message('zh-CN', 'apSchoolExam')), 'cancelled: no exams');
      assert.match(rows[1]!.split('</dd>')[0]!, new RegExp(message('zh-CN', 'apSchoolExam')), 'placed: the exams');
    });
  });
});

describe('the officer’s check details', () => {
  const req = (locale: 'zh-CN' | 'en') => ({ locale }) as unknown as Request;

  it('when a lookup answer is shown, then each field reads in words, in both languages, and a field the page does not know is shown as sent', () => {
    // Arrange
    const housing = { department: 'housing' as const, residence: 'owned' as const, addressArea: 'lianhu' };
    const police = { department: 'police', identityMatches: true, continuousResidenceYears: 9, newField: 'x' };

    // Act
    const zh = checkResultLines(req('zh-CN'), housing);
    const en = checkResultLines(req('en'), housing);
    const other = checkResultLines(req('zh-CN'), police);

    // Assert
    assert.deepEqual(zh, ['合法稳定住所：自有住房', '住所所在区县：莲湖区']);
    assert.deepEqual(en, ['legal stable residence: own home', 'area of the residence: Lianhu District']);
    assert.deepEqual(other, ['身份信息与人口信息库一致：是', '连续居住年限：9年', 'newField：x']);
    assert.deepEqual(checkResultLines(req('en'), null), []);
  });

  it('§5 when the police residence registration names the landlord or employer, then the officer sees who, beside the years of continuous residence it gives', () => {
    const police = {
      department: 'police' as const,
      identityMatches: true,
      criminalRecord: false,
      creditGood: true,
      continuousResidenceYears: 6,
      registeredBy: '西安雁塔物业管理有限公司',
    };
    const zh = checkResultLines(req('zh-CN'), police);
    assert.ok(zh.includes('连续居住年限：6年'), zh.join(' / '));
    assert.ok(zh.includes('居住登记的房东或单位：西安雁塔物业管理有限公司'), zh.join(' / '));
    assert.ok(
      checkResultLines(req('en'), police).includes(
        'landlord or employer on the residence registration: 西安雁塔物业管理有限公司',
      ),
    );
  });
});

describe('the bulk progress page', () => {
  const progress = (finished: boolean, refresh = false) =>
    pageFor('supervisor', [], 'supervisor/bulk-progress', {
      title: 't',
      refresh,
      selfHref: '/supervisor/bulk/b-1',
      progress: { finished, department: 'police', note: 'n', total: 2, done: 1, succeeded: 1, refused: 0, failed: 0 },
      items: [],
    });
  const reloads = (html: string) => /<meta http-equiv="refresh"/.test(html);

  it('when a run is going on, then the page reloads itself and offers, before the figures, to stop (WCAG 2.2.1); stopped, it offers to refresh by hand or again by itself', () => {
    const auto = progress(false, true);
    assert.ok(reloads(auto));
    assert.match(auto, /<a href="\/supervisor\/bulk\/b-1\?refresh=off">停止自动刷新<\/a>/);
    assert.ok(auto.indexOf('停止自动刷新') < auto.indexOf('id="bulk-progress"'), 'the way to stop comes before the figures');
    const stopped = progress(false);
    assert.ok(!reloads(stopped));
    assert.match(stopped, /刷新进度/);
    assert.match(stopped, /<a href="\/supervisor\/bulk\/b-1">恢复自动刷新<\/a>/);
    const finished = progress(true);
    assert.ok(!reloads(finished));
    assert.match(finished, /已执行完毕/);
  });
});

describe('the supervisor’s intervention forms', () => {
  it('when a field of a form is refused, then the field says so itself (aria-invalid, its message by aria-describedby), as the applicant’s and officer’s forms do (WCAG 3.3.1)', () => {
    const html = loadViews().render('supervisor/case', {
      title: 't',
      locale: 'zh-CN',
      nav: [],
      c: {
        caseId: 'c-1',
        caseNumber: 'HK-2026-000001',
        route: 'town',
        area: 'huyi',
        status: 'under_review',
        submittedAt: '2026-12-01T02:00:00Z',
        lastProgressAt: '2026-12-02T02:00:00Z',
        persons: [],
        steps: [],
      },
      open: true,
      hasOpenSteps: true,
      forms: {
        extend: { steps: [{ value: 'police' }], requestId: 'r', amount: 'abc' },
        reassign: { steps: [{ value: 'police' }], requestId: 'r', officerGroups: [] },
      },
      fieldErrors: {
        'extend_deadline-amount': '请输入1到60个工作日之间的整数',
        'extend_deadline-note': '请说明理由',
        'reassign-officerId': '请选择经办人',
      },
    });
    const tagOf = (id: string) => new RegExp(`<(input|select|textarea)[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
    for (const id of ['extend_deadline-amount', 'extend_deadline-note', 'reassign-officerId']) {
      assert.match(tagOf(id), /aria-invalid="true"/, id);
      assert.match(tagOf(id), new RegExp(`aria-describedby="[^"]*${id}-error`), id);
      assert.match(html, new RegExp(`id="${id}-error"`), id);
    }
    // A field without an error claims none.
    assert.doesNotMatch(tagOf('extend_deadline-department'), /aria-invalid/);
  });
});

describe('notice subjects in another language', () => {
  it('when an English page lists a notice sent in Chinese, then its subject is marked lang="zh-CN" (WCAG 3.1.2)', () => {
    const html = loadViews().render('applicant/case', {
      title: 't',
      locale: 'en',
      nav: [],
      view: {
        caseId: 'c',
        caseNumber: 'HK-2026-000005',
        status: 'under_review',
        route: 'town',
        area: 'huyi',
        submittedAt: '2026-12-01T02:00:00Z',
        lastProgressAt: '2026-12-02T02:00:00Z',
      },
      steps: [],
      schoolPlacements: [],
      notices: [{ href: '/n/1', subject: '受理通知（HK-2026-000005）', channels: 'SMS', createdAt: '2026-12-01T02:00:00Z' }],
    });
    assert.match(html, /<a href='\/n\/1'><span lang="zh-CN">受理通知（HK-2026-000005）<\/span><\/a>/);
  });
});

describe('a waiting child’s provisional deadline', () => {
  const waitingChild = { dueAt: '2027-01-05T09:00:00.000Z', dueProvisional: true, overdue: false };

  /** The applicant's case page of a settled family whose child waits, its deadline provisional or not. */
  const applicantPage = (provisional: boolean) =>
    loadViews().render('applicant/case', {
      title: 't',
      locale: 'zh-CN',
      nav: [],
      view: { caseId: 'c', caseNumber: 'HK-2026-000005', status: 'settled', route: 'points', area: 'yanta' },
      steps: [],
      schoolPlacements: [{ ...waitingChild, dueProvisional: provisional, name: '王小明', levelText: '幼儿园', waiting: true }],
      anyPlacementDueProvisional: provisional,
      notices: [],
    });

  it('when the placement deadline was counted into a year without its calendar, then the applicant’s page marks it and says why once', () => {
    const html = applicantPage(true);
    assert.equal(html.split(message('zh-CN', 'dueProvisionalMark')).length - 1, 1);
    assert.ok(html.includes(message('zh-CN', 'dueProvisionalNote')));
  });

  it('when it was not, then neither the mark nor the note is shown', () => {
    const html = applicantPage(false);
    assert.ok(!html.includes(message('zh-CN', 'dueProvisionalMark')));
    assert.ok(!html.includes(message('zh-CN', 'dueProvisionalNote')));
  });

  it('when the education officer’s waiting list shows such a deadline, then it is marked provisional', () => {
    const html = loadViews().render('officer/waitlist', {
      title: 't',
      locale: 'en',
      nav: [],
      department: 'education',
      items: [
        {
          ...waitingChild,
          caseId: 'c',
          caseNumber: 'HK-2026-000005',
          child: 'Wang',
          level: 'kindergarten',
          area: 'yanta',
          personIndex: 2,
        },
      ],
    });
    assert.ok(html.includes(message('en', 'officerDueProvisional')));
  });
});
