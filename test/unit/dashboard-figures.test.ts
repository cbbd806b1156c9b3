import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticCaseState } from '../../bench/lib/dashboard-seed';
import { caseFacts } from '../../domain/case-facts';
import type { CaseState } from '../../domain/case-state';
import {
  areaFigures,
  countFacts,
  dashboardFigures,
  daysBetween,
  isoWeek,
  median,
  monthsBetween,
  percentile,
  reportedAreas,
  weightedPercentile,
} from '../../domain/dashboard-figures';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-01T08:00:00Z');

describe('caseFacts (issue 11: the dashboard facts a case state shows)', () => {
  it('when a case settled after an officer decided late, then it has opened, ended and decided facts without personal data', () => {
    // Arrange: case 21 settles (21 % 10 = 1) and its police officer decides late (21 % 7 = 0)
    const state = syntheticCaseState(21, NOW - 48 * HOUR, NOW);
    // Act
    const facts = caseFacts(state);
    // Assert
    const byKind = (k: string) => facts.filter((f) => f.kind === k);
    assert.equal(byKind('opened').length, 1);
    assert.deepEqual(
      byKind('ended').map((f) => f.outcome),
      ['settled'],
    );
    const police = byKind('decided').find((f) => f.department === 'police')!;
    assert.equal(police.withinSla, false);
    assert.equal(police.ms, (1 + (21 % 6)) * HOUR);
    assert.equal(police._id, `${state.caseId}:decided:police:${state.steps.police!.decision!.at}`);
    // housing approved itself: no officer wait, no SLA
    assert.equal(
      facts.some((f) => f.kind === 'decided' && f.department === 'housing'),
      false,
    );
    // The applicant and her spouse (every fourth seeded case has one): two people received and settled.
    assert.equal(state.application.family.length, 1);
    assert.deepEqual(
      facts.filter((f) => f.kind === 'opened' || f.kind === 'ended').map((f) => f.persons),
      [2, 2],
    );
    assert.equal(police.persons, undefined, 'a decision counts no people');
    const text = JSON.stringify(facts);
    assert.ok(!text.includes('王看板') && !text.includes(state.application.applicant.idNumber));
    assert.ok(!text.includes('李看板') && !text.includes(state.application.family[0]!.idNumber), 'nothing of the spouse');
  });

  it('when a case was submitted late in the evening UTC, then its day and month are the Shanghai calendar day', () => {
    const state = syntheticCaseState(1, Date.parse('2026-11-30T17:30:00Z'), NOW);
    const opened = caseFacts(state).find((f) => f.kind === 'opened')!;
    assert.equal(opened.day, '2026-12-01');
    assert.equal(opened.month, '2026-12');
  });

  it('when supplements were answered, lapsed or are still awaited, then each round has that outcome', () => {
    const answered = caseFacts(syntheticCaseState(3, NOW - 48 * HOUR, NOW)).filter((f) => f.kind === 'supplement');
    const lapsed = caseFacts(syntheticCaseState(6, NOW - 48 * HOUR, NOW)).filter((f) => f.kind === 'supplement');
    assert.deepEqual(
      answered.map((f) => [f.department, f.outcome]),
      [['housing', 'answered']],
    );
    assert.deepEqual(
      lapsed.map((f) => [f.department, f.outcome]),
      [['housing', 'lapsed']],
    );
    const open: CaseState = syntheticCaseState(6, NOW - 48 * HOUR, NOW);
    delete open.outcome;
    open.status = 'supplement_requested';
    assert.equal(caseFacts(open).find((f) => f.kind === 'supplement')!.outcome, 'open');
  });

  it('when the same state is derived twice, then the facts and their ids are identical (idempotent writes)', () => {
    const state = syntheticCaseState(12, NOW - 30 * HOUR, NOW);
    assert.deepEqual(caseFacts(state), caseFacts(structuredClone(state)));
  });
});

describe('median and percentile', () => {
  it('when the count is odd or even, then the median is the middle value or the mean of the two middle ones', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  it('when asked for the 90th percentile, then it is the nearest-rank value', () => {
    const ten = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.equal(percentile(ten, 90), 9);
    assert.equal(percentile([...ten, 11], 90), 10);
    assert.equal(percentile([7], 90), 7);
    assert.equal(percentile([], 90), null);
  });

  it('when values come with counts, then the percentile is the one of the values repeated', () => {
    assert.equal(
      weightedPercentile(
        [
          [5, 9],
          [50, 1],
        ],
        90,
      ),
      5,
    );
    assert.equal(
      weightedPercentile(
        [
          [5, 8],
          [50, 2],
        ],
        90,
      ),
      50,
    );
    assert.equal(median([1, 1, 1, 9]), 1);
  });
});

describe('calendar helpers', () => {
  it('when a day is near a year boundary, then its ISO week is the week of its Thursday', () => {
    assert.equal(isoWeek('2026-12-01'), '2026-W49');
    assert.equal(isoWeek('2027-01-01'), '2026-W53');
    assert.equal(isoWeek('2026-01-01'), '2026-W01');
    assert.equal(isoWeek('2024-12-30'), '2025-W01');
  });

  it('when a period spans two months, then both are read and every day is listed', () => {
    assert.deepEqual(monthsBetween('2026-11-29', '2026-12-02'), ['2026-11', '2026-12']);
    assert.equal(daysBetween('2026-11-02', '2026-12-01').length, 30);
  });
});

describe('dashboardFigures', () => {
  it('when given the facts of twenty cases and their open ones, then the counts match the cases', () => {
    // Arrange: cases 0..19, all submitted 2 days before NOW
    const states = Array.from({ length: 20 }, (_, n) => syntheticCaseState(n, NOW - 48 * HOUR, NOW));
    const facts = states.flatMap(caseFacts);
    const open = states
      .filter((s) => !s.outcome)
      .map((s) => ({
        route: s.application.route,
        area: s.application.district ?? s.application.town!,
        overdueDepartments: Object.values(s.steps)
          .filter((x) => x.overdue && x.status === 'awaiting_decision')
          .map((x) => x.department),
      }));
    // Act
    const f = dashboardFigures(countFacts(facts), open, { from: '2026-11-01', to: '2026-12-01' });
    // Assert
    const total = (k: 'opened' | 'settled' | 'rejected' | 'withdrawn' | 'terminated') => f.days.reduce((a, d) => a + d[k], 0);
    assert.equal(total('opened'), 20);
    assert.equal(total('settled'), 8);
    assert.equal(total('rejected'), 2);
    assert.equal(total('withdrawn'), 4);
    assert.equal(total('terminated'), 2);
    assert.equal(
      f.weeks.reduce((a, w) => a + w.opened, 0),
      20,
    );
    // The period's ends cut two weeks: Sunday 1 November is all of W44 in it, W49 runs to Tuesday.
    assert.deepEqual(
      f.weeks.map((w) => `${w.week} ${w.from}..${w.to}`),
      [
        '2026-W44 2026-11-01..2026-11-01',
        '2026-W45 2026-11-02..2026-11-08',
        '2026-W46 2026-11-09..2026-11-15',
        '2026-W47 2026-11-16..2026-11-22',
        '2026-W48 2026-11-23..2026-11-29',
        '2026-W49 2026-11-30..2026-12-01',
      ],
    );
    const police = f.sla.find((r) => r.department === 'police')!;
    // 16 decided (shapes 0–7); late when n % 7 = 0: n = 0, 7, 14 (all decided)
    assert.equal(police.withinDeadline + police.late, 16);
    assert.equal(police.late, 3);
    assert.equal(police.compliancePct, 81.3);
    assert.equal(police.overdueNow, 1); // n = 19
    assert.equal(f.sla.find((r) => r.department === 'education')!.compliancePct, null);
    const policeTimes = f.decisionTimes.find((r) => r.department === 'police')!;
    assert.equal(policeTimes.decisions, 16);
    // decided (1 + n % 6) hours after the wait began, for the decided n < 20 (shapes 0–7)
    const hours = states.filter((s) => s.steps.police!.decision).map((s) => 1 + (Number(s.caseNumber.slice(-7)) % 6));
    assert.equal(policeTimes.medianMs, median(hours)! * 3_600_000);
    assert.equal(policeTimes.p90Ms, percentile(hours, 90)! * 3_600_000);
    assert.deepEqual(
      f.supplements.find((r) => r.department === 'housing'),
      {
        department: 'housing',
        answered: 2,
        lapsed: 2,
        closed: 0,
        open: 0,
      },
    );
    assert.equal(
      f.backlog.reduce((a, b) => a + b.open, 0),
      4,
    );
  });

  it('when facts fall outside the period, then they are not counted', () => {
    const facts = caseFacts(syntheticCaseState(0, Date.parse('2026-10-15T00:00:00Z'), NOW));
    const f = dashboardFigures(countFacts(facts), [], { from: '2026-11-01', to: '2026-11-30' });
    assert.equal(
      f.days.reduce((a, d) => a + d.opened, 0),
      0,
    );
  });
});

describe('areaFigures', () => {
  it('when a department is asked for, then an area counts as overdue now only the open cases overdue at that department', () => {
    // Arrange: two open cases in 雁塔区, one overdue at the police, one at housing; none in 新城区.
    const open = [
      { route: 'points', area: 'yanta', overdueDepartments: ['police'] },
      { route: 'points', area: 'yanta', overdueDepartments: ['housing', 'police'] },
      { route: 'points', area: 'yanta', overdueDepartments: [] },
    ];
    const period = { from: '2026-11-01', to: '2026-11-30' };
    const areas = reportedAreas({ route: 'points' });

    // Act
    const all = areaFigures([], open, period, areas);
    const housing = areaFigures([], open, period, areas, 'housing');

    // Assert
    const yanta = (rows: typeof all) => rows.find((r) => r.area === 'yanta')!;
    assert.deepEqual([yanta(all).openNow, yanta(all).overdueNow], [3, 2]);
    assert.deepEqual([yanta(housing).openNow, yanta(housing).overdueNow], [3, 1]);
    assert.deepEqual(
      all.find((r) => r.area === 'xincheng'),
      {
        area: 'xincheng',
        route: 'points',
        opened: 0,
        settled: 0,
        rejected: 0,
        withdrawn: 0,
        terminated: 0,
        decidedWithinDeadline: 0,
        decidedLate: 0,
        openNow: 0,
        overdueNow: 0,
        childrenWaitingNow: 0,
        openedPersons: 0,
        settledPersons: 0,
      },
      'a district without cases is a row of zeros',
    );
    assert.ok(
      all.every((r) => r.route === 'points'),
      'filtered to the points route: no town',
    );
  });

  it('when cases have children waiting for a school place, then an area counts the children, not the cases, whatever the department asked for', () => {
    // Arrange: in 碑林区 a family with two children waiting and one with one; a case without any.
    const open = [
      { route: 'points', area: 'beilin', overdueDepartments: [], childrenWaiting: 2 },
      { route: 'points', area: 'beilin', overdueDepartments: ['police'], childrenWaiting: 1 },
      { route: 'points', area: 'beilin', overdueDepartments: [] },
    ];
    const period = { from: '2026-11-01', to: '2026-11-30' };
    // Act
    const rows = areaFigures([], open, period, reportedAreas({ route: 'points' }), 'housing');
    // Assert
    const beilin = rows.find((r) => r.area === 'beilin')!;
    assert.deepEqual([beilin.openNow, beilin.childrenWaitingNow], [3, 3]);
    assert.equal(rows.find((r) => r.area === 'yanta')!.childrenWaitingNow, 0);
  });

  it('when cases of families are received and settled, then an area counts their people beside the cases', () => {
    // Arrange: in 雁塔区 a family of three received and settled, a single applicant received and rejected.
    const day = '2026-11-10';
    const at = { day, route: 'points', area: 'yanta' } as const;
    const facts = [
      { ...at, kind: 'opened' as const, persons: 3 },
      { ...at, kind: 'ended' as const, outcome: 'settled' as const, persons: 3 },
      { ...at, kind: 'opened' as const, persons: 1 },
      { ...at, kind: 'ended' as const, outcome: 'rejected' as const, persons: 1 },
    ];
    // Act
    const yanta = areaFigures(facts, [], { from: '2026-11-01', to: '2026-11-30' }, reportedAreas({ area: 'yanta' }))[0]!;
    // Assert
    assert.deepEqual([yanta.opened, yanta.openedPersons, yanta.settled, yanta.settledPersons, yanta.rejected], [2, 4, 1, 3, 1]);
  });
});
