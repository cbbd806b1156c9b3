/**
 * The supervisor dashboard's query on the run's FerretDB (issue 11): a seeded month of cases
 * gives the figures counted from the seed; filters narrow them; a bad period is a problem+json
 * 400; only supervisors may ask. A real case's transitions write its facts through the
 * projection, and the worker-start backfill rewrites them for older projections.
 */
import { DISTRICTS, TOWNS } from '../../domain/vocabulary';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Dashboard } from '../../app/queries/dashboard';
import type { CaseState } from '../../domain/case-state';
import { median, percentile } from '../../domain/dashboard-figures';
import { shanghaiDay, shanghaiToday } from '../../domain/shanghai-clock';
import { loadRoundsFiles } from '../../policy/round-files';
import { backfillCaseFacts, backfillFactPersons, caseFactModel, writeCaseFacts } from '../../models/case-fact.model';
import { caseFactDayModel, firstOpenDay } from '../../models/case-fact-day.model';
import { reservationSlotModel } from '../../models/reservation-slot.model';
import { assertProblem, decideViaApi, submitCase, tokens, townBody, waitForCase, type Tokens } from '../support/api';
import { defaultPeriod, expectedDays, expectedPolice, expectedSupplements, seedMonth } from '../support/dashboard';
import { testCapacities } from '../support/capacities';
import { startStack, type TestStack } from '../support/stack';

const YEAR = Number(shanghaiToday().slice(0, 4));

describe('supervisor dashboard (issue 11)', () => {
  let stack: TestStack;
  let t: Tokens;
  let seeded: CaseState[];
  before(async () => {
    // The city's own capacity file (CAPACITY_DIR), one figure unlike the shipped one's: the
    // figures are that file's, not the shipped folder's.
    stack = await startStack('dashboard', {
      capacityDir: testCapacities((t) => {
        t.schoolPlaces.zhouzhi!.kindergarten = 37;
      }).dir,
    });
    t = await tokens(stack);
    seeded = await seedMonth(stack.mongo, 200);
    // Seven held slots in Yanta's quota pool: use is counted from the slots (models/pool-use.ts).
    await reservationSlotModel(stack.mongo).insertMany(
      Array.from({ length: 7 }, (_, n) => ({
        _id: `quota:yanta#${n}`,
        pool: 'quota:yanta',
        n,
        holder: `seed-${n}:household`,
        takenAt: new Date(),
      })),
    );
    // Two admitted cases hold slots of Yanta's pool of this year's rounds.
    await reservationSlotModel(stack.mongo).insertMany(
      Array.from({ length: 2 }, (_, n) => ({
        _id: `quota:yanta:${YEAR}#${n}`,
        pool: `quota:yanta:${YEAR}`,
        n,
        holder: `seed-round-${n}:household`,
        takenAt: new Date(),
      })),
    );
  });
  after(async () => {
    await stack.close();
  });

  const get = (query: string, auth = t.supervisor) =>
    request(stack.app).get(`/api/v1/supervisor/dashboard${query}`).set('authorization', auth);

  it('when a month of points cases is seeded, then the figures of the last 30 days equal the counts of the seed', async () => {
    // Arrange: the seeded points cases (real cases in other tests here are town cases)
    const points = seeded.filter((s) => s.application.route === 'points');
    // Act
    const res = await get('?route=points');
    // Assert
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body as Dashboard;
    assert.deepEqual(d.period, defaultPeriod());
    assert.equal(d.countedThrough, d.period.to, 'the default period ends today: counted through it');
    assert.deepEqual(d.days, expectedDays(points, d.period));
    // Per area, received and open now add up to the whole.
    assert.equal(
      d.areas.reduce((a, r) => a + r.opened, 0),
      points.length,
    );
    assert.equal(
      d.areas.reduce((a, r) => a + r.openNow, 0),
      points.filter((s) => !s.outcome).length,
    );
    assert.deepEqual(
      d.areas.map((r) => r.area),
      [...DISTRICTS],
      'every district of the points route, with cases or not',
    );
    assert.equal(
      d.weeks.reduce((a, w) => a + w.opened, 0),
      points.length,
    );
    // People as well as cases: each applicant and the family named with them (every fourth has a spouse).
    const people = (states: CaseState[]) => states.reduce((a, s) => a + 1 + s.application.family.length, 0);
    assert.ok(people(points) > points.length, 'the seed has families');
    assert.equal(
      d.areas.reduce((a, r) => a + r.openedPersons, 0),
      people(points),
    );
    assert.equal(
      d.areas.reduce((a, r) => a + r.settledPersons, 0),
      people(points.filter((s) => s.outcome?.status === 'settled' && shanghaiDay(s.outcome.at) <= d.period.to)),
    );
    const police = d.sla.find((r) => r.department === 'police')!;
    const want = expectedPolice(points);
    assert.deepEqual([police.withinDeadline, police.late, police.overdueNow], [want.within, want.late, want.overdueNow]);
    const housing = d.supplements.find((r) => r.department === 'housing')!;
    assert.deepEqual({ answered: housing.answered, lapsed: housing.lapsed }, expectedSupplements(points));
    assert.equal(
      d.backlog.reduce((a, b) => a + b.open, 0),
      points.filter((s) => !s.outcome).length,
    );
    const hours = points
      .map((s) => s.steps.police!)
      .filter((p) => p.decision)
      .map((p) => (Date.parse(p.decision!.at) - Date.parse(p.waitingSince!)) / 3_600_000);
    const times = d.decisionTimes.find((r) => r.department === 'police')!;
    assert.deepEqual(
      [times.decisions, times.medianMs, times.p90Ms],
      [hours.length, median(hours)! * 3_600_000, percentile(hours, 90)! * 3_600_000],
    );
    const yanta = d.pools.find((p) => p.pool === 'quota:yanta')!;
    assert.equal(yanta.held, 7);
    assert.ok(yanta.limit > 0);
    // The quota points cases are admitted against now: the year's, the sum of its rounds' quotas.
    const rounds = loadRoundsFiles(stack.config.ROUNDS_DIR!).find((f) => f.year === YEAR)!;
    const yearPool = d.pools.find((p) => p.pool === `quota:yanta:${YEAR}`)!;
    assert.deepEqual(
      { kind: yearPool.kind, limit: yearPool.limit, held: yearPool.held },
      { kind: 'round_quota', limit: rounds.rounds.reduce((a, r) => a + (r.quota.yanta ?? 0), 0), held: 2 },
    );
    // The capacity file's quota is listed only where cases from before the rounds hold places.
    assert.deepEqual(
      d.pools.filter((p) => p.kind === 'quota').map((p) => p.pool),
      ['quota:yanta'],
    );
  });

  it('when filtered by the town route, then the capacity figures are the towns’ pools only: no points quota', async () => {
    const res = await get('?route=town');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body as Dashboard;
    assert.ok(d.pools.length > 0);
    assert.deepEqual(
      d.pools.filter((p) => p.kind === 'quota' || p.kind === 'round_quota').map((p) => p.pool),
      [],
      'the points quota is no town figure',
    );
    assert.ok(d.pools.every((p) => (TOWNS as readonly string[]).includes(p.area)));
    assert.equal(d.pools.find((p) => p.pool === 'school:zhouzhi:kindergarten')?.limit, 37, 'the configured capacity file');
  });

  it('when filtered by area and department, then only that area and department are counted', async () => {
    const yanta = seeded.filter((s) => s.application.district === 'yanta');
    const res = await get('?area=yanta&department=police');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body as Dashboard;
    assert.deepEqual(
      d.sla.map((r) => r.department),
      ['police'],
    );
    assert.equal(
      d.days.reduce((a, r) => a + r.opened, 0),
      yanta.length,
    );
    assert.ok(d.pools.every((p) => p.area === 'yanta'));
    // Per area: the one asked for, its received as the daily figure counts them.
    assert.deepEqual(
      d.areas.map((r) => [r.area, r.opened]),
      [['yanta', yanta.length]],
    );
  });

  it('when the period is impossible or too long, or a parameter is unknown, then 400 problem+json', async () => {
    assertProblem(await get('?from=2026-11-10&to=2026-11-01'), 400);
    assertProblem(await get('?from=2025-01-01&to=2026-11-01'), 400);
    assertProblem(await get('?from=2026-02-30'), 400);
    assertProblem(await get('?colour=red'), 400);
    assertProblem(await get('?department[$ne]=police'), 400);
    assertProblem(await get('?from=2026-11-01&from=2026-11-02'), 400);
    // A period not begun has nothing to count: refused, not answered with zeros a report could copy.
    const day = (offset: number) =>
      new Date(Date.parse(`${shanghaiToday()}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    assertProblem(await get(`?from=${day(1)}&to=${day(30)}`), 400);
  });

  it('when the period runs past today, then it is counted up to today, and says so', async () => {
    // Act
    const res = await get(`?from=${shanghaiToday().slice(0, 8)}01&to=${YEAR}-12-31`);
    // Assert
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body as Dashboard;
    assert.equal(d.period.to, `${YEAR}-12-31`);
    const today = shanghaiToday();
    assert.equal(d.countedThrough, today < d.period.to ? today : d.period.to);
    // No day after today is listed, so no zero stands for a day nobody counted yet.
    assert.equal(d.days.at(-1)?.day, d.countedThrough);
    assert.equal(d.days[0]?.day, d.period.from);
    assert.equal(d.weeks.at(-1)?.to, d.countedThrough);
  });

  it('when an officer asks, then 403', async () => {
    assertProblem(await get('', t.police), 403);
  });

  it('when a real case is decided by the police officer, then its decision is a fact; a backfill writes the same facts again', async () => {
    // Arrange
    const caseId = await submitCase(stack, t.applicant, townBody());
    await waitForCase(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    // Act
    await decideViaApi(stack, t.police, caseId, 'police', { decision: 'approve' });
    // Assert
    const facts = caseFactModel(stack.mongo);
    const deadline = Date.now() + 20_000;
    let decided: unknown[] = [];
    while (decided.length === 0 && Date.now() < deadline) {
      decided = await facts.find({ caseId, kind: 'decided', department: 'police' }).lean();
      if (decided.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(decided.length, 1);
    assert.equal((decided[0] as { withinSla: boolean }).withinSla, true);
    const before = await facts.find({ caseId }).sort({ _id: 1 }).lean();
    await facts.deleteMany({ caseId });
    await stack.mongo.collection('migrations').deleteOne({ _id: 'case-facts' as never });
    assert.ok((await backfillCaseFacts(stack.mongo)) >= 1);
    assert.equal(await backfillCaseFacts(stack.mongo), 0);
    assert.deepEqual(await facts.find({ caseId }).sort({ _id: 1 }).lean(), before);
  });

  it('when a fact is written days late for a day already packed, then that day counts it', async () => {
    // Arrange: a points case submitted on a closed day, and that day read once (so packed).
    const source = seeded.find((s) => s.application.route === 'points' && shanghaiDay(s.submittedAt) < firstOpenDay(new Date()))!;
    const day = shanghaiDay(source.submittedAt);
    const opened = async () => {
      const res = await get(`?route=points&from=${day}&to=${day}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as Dashboard).days.find((d) => d.day === day)!.opened;
    };
    const before = await opened();
    assert.ok(await caseFactDayModel(stack.mongo).exists({ _id: day }), 'the day is packed');
    // Act: a case's facts as a projection days late writes them (a long worker outage).
    await writeCaseFacts(stack.mongo, { state: { ...source, caseId: `late-${source.caseId}` }, seq: 1 });
    // Assert
    assert.equal(await opened(), before + 1);
  });

  it('when facts were written before they counted persons, then the worker’s migration adds them, once', async () => {
    // Arrange: a family's facts as an older version wrote them.
    const facts = caseFactModel(stack.mongo);
    const source = seeded.find((s) => s.application.family.length > 0)!;
    await facts.updateMany({ caseId: source.caseId }, { $unset: { persons: 1 } });
    await stack.mongo.collection('migrations').deleteOne({ _id: 'case-facts-persons' as never });
    // Act
    const added = await backfillFactPersons(stack.mongo);
    // Assert
    assert.ok(added >= 1, `${added} facts given their persons`);
    assert.equal((await facts.findOne({ _id: `${source.caseId}:opened` }).lean())?.persons, 2);
    assert.equal(await backfillFactPersons(stack.mongo), 0, 'done once');
  });
});
