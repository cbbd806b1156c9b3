/**
 * Points admission by ranked rounds with public notice (issue 13, §2 总量控制、公开透明、有序办理、
 * 公平公正): three districts' rounds with more passing cases than places, ranked with a tie
 * broken as documented, published masked, an upheld objection admitting the next in line, and a
 * slot freed after admission going to the next round, never back into the closed one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { computeCheckDigit } from '../../domain/id-number';
import { shanghaiToday } from '../../domain/shanghai-clock';
import type { District } from '../../domain/vocabulary';
import { admissionRankingModel } from '../../models/admission-ranking.model';
import { caseModel } from '../../models/case.model';
import { noticeModel } from '../../models/notice.model';
import { trusted } from 'mongoose';
import request from 'supertest';
import type { DemoPersona } from '../../tools/simulator/demo-people';
import {
  admissionRoundWorkflowId,
  lodgeObjectionUpdate,
  resolveObjectionUpdate,
  roundViewQuery,
  type RoundView,
} from '../../workflows/admission-round/messages';
import { caseStatusQuery, withdrawUpdate } from '../../workflows/settlement-case/messages';
import { createAdmissionRoundActivities } from '../../activities/admission-rounds.activities';
import { roundSettings } from '../../temporal/admission-rounds';
import { untilState } from '../support/case-records';
import { caseInput, decide, startCase } from '../support/cases';
import { closeRound, quotaOf, testRounds, untilInRound } from '../support/rounds';
import { eventually, startStack, type TestStack } from '../support/stack';

let serial = 0;
/** A points applicant whose lookups give `insurance` and `residence` years; everything else as pointsHigh. */
function applicant(name: string, district: District, insurance: number, residence: number): DemoPersona {
  serial += 1;
  const first17 = `6101131990${String(serial).padStart(2, '0')}15${String(100 + serial).slice(-3)}`;
  return {
    idNumber: first17 + computeCheckDigit(first17),
    name,
    relation: 'applicant',
    summary: `round test: ${insurance} y insurance, ${residence} y residence`,
    target: { route: 'points', district },
    family: [],
    records: {
      police: { identityMatches: true, criminalRecord: false, creditGood: true, continuousResidenceYears: residence },
      hrss: {
        employed: true,
        employer: '西安测试公司',
        socialInsuranceYears: insurance,
        professionalTitle: 'intermediate',
        vocationalSkill: 'none',
      },
      housing: { residence: 'owned', addressArea: district },
      education: { educationLevel: 'bachelor' },
    },
  };
}

// Score = 10 employed + 20 owned + 2/y insurance + 2/y residence + 20 bachelor + 10 title + 5 credit.
const P = {
  // yanta: two places in round 1. A and B tie at 99; B has more years of insurance, so ranks first.
  a: applicant('安一', 'yanta', 8, 9),
  b: applicant('白二', 'yanta', 9, 8),
  c: applicant('陈三', 'yanta', 5, 5), // 85
  // beilin: one place; an objection against E, upheld, admits F.
  e: applicant('鄂五', 'beilin', 9, 9), // 101
  f: applicant('傅六', 'beilin', 5, 5), // 85
  // I is not admitted either way: ranked below a cut-off of 101 that the objection moves to 85.
  i: applicant('伊九', 'beilin', 3, 3), // 77
  // lianhu: one place; G withdraws after admission: its slot goes to round 2, where H is admitted.
  g: applicant('葛七', 'lianhu', 9, 9),
  h: applicant('何八', 'lianhu', 5, 5),
};

const year = Number(shanghaiToday().slice(0, 4));

describe('admission rounds with public notice (issue 13)', () => {
  let stack: TestStack;
  const handles: Record<string, WorkflowHandle> = {};
  let round1: string;
  let round2: string;
  let ranked: RoundView;

  before(async () => {
    const rounds = testRounds(`r${Date.now().toString(36)}`, [
      // Round 2 takes no new places: only what round 1 leaves or frees.
      { opensOn: `${year}-01-01`, closesOn: `${year}-12-30`, quota: quotaOf(0, { yanta: 2, beilin: 1, lianhu: 1 }) },
      { opensOn: `${year}-12-31`, closesOn: `${year}-12-31`, quota: quotaOf(0) },
    ]);
    [round1, round2] = rounds.ids as [string, string];
    stack = await startStack('admission_rounds', {
      rounds,
      people: Object.values(P),
      // Long enough to lodge and resolve an objection by hand; the test waits for it anyway.
      env: { PUBLIC_NOTICE_MS: '12000' },
    });
  });
  after(async () => {
    await stack?.close();
  });

  const submitAndApprove = async (key: keyof typeof P) => {
    const handle = await startCase(stack, caseInput(P[key]));
    handles[key] = handle;
    for (const d of ['police', 'hrss', 'housing', 'education'] as const) await decide(handle, d, 'approve');
    return handle;
  };

  it('when every department approved a passing points case, then it takes no slot and waits in its district’s round', async () => {
    // In order of submission: a before b (their tie is not broken by submission time, but by insurance).
    for (const k of ['a', 'b', 'c', 'e', 'f', 'i', 'g', 'h'] as const) await submitAndApprove(k);
    for (const h of Object.values(handles)) {
      const s = await untilInRound(h);
      assert.equal(s.status, 'awaiting_round');
      assert.equal(s.round?.roundId, round1);
      assert.equal(s.reservations.filter((r) => r.kind === 'quota_slot').length, 0, 'no slot before the ranking');
    }
    const open = await stack.client.workflow.getHandle(admissionRoundWorkflowId(round1)).query(roundViewQuery);
    assert.equal(open.phase, 'open');
    assert.equal(open.waiting, 8);
    // Its log says it opened on its first day, not when the first case joined today.
    assert.equal(open.events[0]?.type, 'opened');
    assert.equal(open.events[0]?.at, new Date(`${year}-01-01T00:00:00+08:00`).toISOString());
    // What the pages read is published as cases join, not only at the close.
    await eventually(
      async () => ((await admissionRankingModel(stack.mongo).findById(round1).lean())?.view.waiting === 8 ? true : undefined),
      'the published round counting its 8 waiting cases',
    );
    // Waiting for its round is not being stuck: the stale list leaves such cases out.
    const caseIds = Object.values(handles).map((h) => h.workflowId.replace(/^SettlementCase:/, ''));
    await eventually(
      async () =>
        (await caseModel(stack.mongo).countDocuments({ _id: trusted({ $in: caseIds }), status: 'awaiting_round' })) === 8
          ? true
          : undefined,
      'the read model showing the 8 cases in their round',
    );
    const supervisor = `Bearer ${await stack.token({ sub: 'sv-rounds', role: 'supervisor' })}`;
    const since = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const stale = await request(stack.app)
      .get(`/api/v1/supervisor/stuck-cases?reason=stale&since=${since}&route=points&limit=100`)
      .set('authorization', supervisor)
      .expect(200);
    const listed = (stale.body.items as Array<{ caseId: string }>).filter((i) => caseIds.includes(i.caseId));
    assert.deepEqual(listed, [], 'cases waiting for their round are not stale');
    // Each applicant was told their case joined the round (and that this is not yet admission).
    const joined = await noticeModel(stack.mongo).countDocuments({
      caseId: trusted({ $in: caseIds }),
      event: 'round_joined',
      channel: 'email',
    });
    assert.equal(joined, 8, 'a round_joined letter for each case');
  });

  it('when the round closes, then each district is ranked by score, the tie broken by years of insurance, the top N admitted and the ranking published masked', async () => {
    ranked = await closeRound(stack.client, round1);
    assert.equal(ranked.phase, 'public_notice');
    const yanta = ranked.districts.find((d) => d.district === 'yanta')!;
    assert.deepEqual(
      yanta.entries.map((e) => [e.rank, e.maskedName, e.score, e.status]),
      [
        [1, '白*', 99, 'admitted'],
        [2, '安*', 99, 'admitted'],
        [3, '陈*', 85, 'not_admitted'],
      ],
    );
    assert.equal(yanta.cutoff, 99);
    assert.equal(yanta.available, 2);
    assert.match(yanta.entries[0]!.maskedIdNumber, /^6101\*{10}[\dX]{4}$/);
    assert.equal(yanta.entries[0]!.breakdown.length, 7, 'the score is published with its breakdown by indicator');

    // The read model anyone may read holds masks only: no name or ID number in clear.
    const stored = JSON.stringify(await admissionRankingModel(stack.mongo).findById(round1).lean());
    for (const p of Object.values(P)) {
      assert.ok(!stored.includes(p.idNumber), `${p.name}'s ID number is not published`);
      assert.ok(!stored.includes(p.name), `${p.name}'s name is not published`);
    }

    // Admitted cases hold their slot from now on; the others do not.
    const b = await untilState(
      handles.b!,
      (s) =>
        s.round?.status === 'admitted_provisionally' && s.reservations.some((r) => r.kind === 'quota_slot') ? s : undefined,
      'b admitted, its slot held',
    );
    assert.equal(b.round?.rank, 1);
    assert.ok(b.reservations.some((r) => r.kind === 'quota_slot' && r.status === 'held' && r.pool === `quota:yanta:${year}`));
    const c = await untilState(handles.c!, (s) => (s.round?.status === 'not_admitted' ? s : undefined), 'c not admitted');
    assert.equal(c.round?.cutoff, 99);
    assert.ok(!c.reservations.some((r) => r.kind === 'quota_slot'));
  });

  it('when a case’s join is retried after the close (the first attempt went through, its answer was lost), then it stays in the round that ranked it, unchanged, and joins no other', async () => {
    // Arrange: the activity as the worker runs it; c was enrolled in round 1 and ranked there.
    const activities = createAdmissionRoundActivities({
      mongo: stack.mongo,
      temporal: stack.client,
      rounds: roundSettings(stack.config),
    });
    const caseId = handles.c!.workflowId.replace(/^SettlementCase:/, '');
    const entry = {
      caseId,
      caseNumber: 'retried',
      district: 'yanta' as const,
      name: P.c.name,
      idNumber: P.c.idNumber,
      score: 85,
      breakdown: [],
      socialInsuranceYears: 0,
      continuousResidenceYears: 0,
      submittedAt: new Date().toISOString(),
    };

    // Act
    const joined = await activities.joinAdmissionRound({ entry, skip: [] });

    // Assert
    assert.equal(joined.joined && joined.roundId, round1, 'the closed round it is ranked in, not the next one');
    const view = await stack.client.workflow.getHandle(admissionRoundWorkflowId(round1)).query(roundViewQuery);
    assert.deepEqual(
      view.districts.find((d) => d.district === 'yanta'),
      ranked.districts.find((d) => d.district === 'yanta'),
      'the ranking as it was',
    );
  });

  it('when an objection against the admitted entry is upheld, then that case is refused and the next in line admitted', async () => {
    const beilin = ranked.districts.find((d) => d.district === 'beilin')!;
    const first = beilin.entries[0]!;
    assert.equal(first.maskedName, '鄂*');
    const round = stack.client.workflow.getHandle(admissionRoundWorkflowId(round1));
    const objection = await round.executeUpdate(lodgeObjectionUpdate, {
      args: [
        {
          objectionId: 'obj-1',
          entryId: first.entryId,
          by: { id: 'citizen-1', role: 'applicant' },
          reason: '社保年限与实际不符',
        },
      ],
    });
    assert.equal(objection.status, 'open');
    // Another person's objection to a yanta entry, left open past the period's end (the test
    // after the withdrawal's): the ranking then waits for it, and takes no new one.
    const yantaFirst = ranked.districts.find((d) => d.district === 'yanta')!.entries[0]!;
    await round.executeUpdate(lodgeObjectionUpdate, {
      args: [
        {
          objectionId: 'obj-late',
          entryId: yantaFirst.entryId,
          by: { id: 'citizen-3', role: 'applicant' },
          reason: '居住年限存疑',
        },
      ],
    });
    // The same person objecting again while theirs is looked into: one answer each, not a pile (409).
    const object = async (sub: string) =>
      request(stack.app)
        .post(`/api/v1/rounds/${round1}/objections`)
        .set('authorization', `Bearer ${await stack.token({ sub, role: 'applicant' })}`)
        .set('idempotency-key', `again-${sub}-${Date.now()}`)
        .send({ entryId: first.entryId, reason: '再次提出：社保年限与实际不符' });
    const again = await object('citizen-1');
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.type, /\/problems\/objection-already-lodged$/);
    // Its own applicant objecting to it: their own score is a question for the counter (409).
    const own = await eventually(async () => {
      const doc = await caseModel(stack.mongo)
        .findById(handles.e!.workflowId.replace(/^SettlementCase:/, ''))
        .lean();
      return doc?.round?.rank === 1 ? doc : undefined;
    }, 'e ranked first in the read model');
    const mine = await object(own.applicantUserId);
    assert.equal(mine.status, 409, JSON.stringify(mine.body));
    assert.match(mine.body.type, /\/problems\/own-entry$/);
    await round.executeUpdate(resolveObjectionUpdate, {
      args: [{ objectionId: 'obj-1', outcome: 'upheld', by: { id: 'sup-1', role: 'supervisor' }, note: '经核查社保年限有误' }],
    });
    const e = await untilState(handles.e!, (s) => (s.status === 'rejected' ? s : undefined), 'e refused');
    assert.equal(e.outcome?.reasons[0]?.code, 'objection_upheld');
    assert.ok(!e.reservations.some((r) => r.status === 'held'), 'its slot was given back');
    const f = await untilState(handles.f!, (s) => (s.round?.status === 'admitted_provisionally' ? s : undefined), 'f admitted');
    assert.ok(f.reservations.some((r) => r.kind === 'quota_slot' && r.status === 'held'));
    const view = await round.query(roundViewQuery);
    const statuses = view.districts.find((d) => d.district === 'beilin')!.entries.map((x) => x.status);
    assert.deepEqual(statuses, ['removed', 'admitted', 'not_admitted']);
    // The cut-off is the lowest score admitted: a removed entry never was, so it moves down to the
    // next in line's, published at once and told to the case admitted in its place.
    assert.equal(beilin.cutoff, 101, 'at the close the line was E’s score');
    assert.equal(view.districts.find((d) => d.district === 'beilin')!.cutoff, 85, 'after the upheld objection, F’s');
    assert.equal(f.round?.cutoff, 85, 'F is told the cut-off it was admitted at');
    // I, ranked below, is told the moved line at once too, as the published ranking shows it.
    const i = await untilState(handles.i!, (s) => (s.round?.cutoff === 85 ? s : undefined), 'i told the moved cut-off');
    assert.equal(i.round?.status, 'not_admitted', 'still not admitted: only the line moved');
  });

  it('when an admitted case withdraws during the notice, then the ranking shows it left, and its slot is not re-ranked in the closed round', async () => {
    await untilState(handles.g!, (s) => (s.round?.status === 'admitted_provisionally' ? s : undefined), 'g admitted');
    await handles.g!.executeUpdate(withdrawUpdate, {
      args: [{ requestId: 'w-g', applicantUserId: (await handles.g!.query(caseStatusQuery)).applicantUserId }],
    });
    const g = await untilState(handles.g!, (s) => (s.status === 'withdrawn' ? s : undefined), 'g withdrawn');
    // The applicant's own case no longer says 拟落户 (admitted, pending the notice).
    assert.equal(g.round?.status, 'left');
    const round = stack.client.workflow.getHandle(admissionRoundWorkflowId(round1));
    const lianhuOf = (v: RoundView) => v.districts.find((d) => d.district === 'lianhu')!;
    const view = await eventually(async () => {
      const v = await round.query(roundViewQuery);
      return lianhuOf(v).entries[0]?.status === 'left' ? v : undefined;
    }, 'the round marking g’s entry as left');
    const lianhu = lianhuOf(view);
    assert.deepEqual(
      lianhu.entries.map((x) => x.status),
      ['left', 'not_admitted'],
      'a closed round is never re-ranked: the next in line is not admitted in its place',
    );
    assert.equal(lianhu.cutoff, 101, 'the cut-off stays where the ranking drew it');
    assert.ok(
      view.events.some((e) => e.type === 'left' && e.what === `entry ${lianhu.entries[0]!.entryId} left: its case ended`),
    );
    // What the public pages read says so too.
    await eventually(async () => {
      const stored = await admissionRankingModel(stack.mongo).findById(round1).lean();
      const entries = stored?.view.districts.find((d) => d.district === 'lianhu')?.entries;
      return entries?.[0]?.status === 'left' ? true : undefined;
    }, 'the published ranking showing g as left');
    // Nobody objects to an entry whose case has ended.
    await assert.rejects(
      round.executeUpdate(lodgeObjectionUpdate, {
        args: [
          {
            objectionId: 'obj-g',
            entryId: lianhu.entries[0]!.entryId,
            by: { id: 'citizen-2', role: 'applicant' },
            reason: '已撤回',
          },
        ],
      }),
      (err: Error & { cause?: { type?: string } }) => err.cause?.type === 'EntryNotObjectable',
    );
  });

  it('when the notice period is over while an objection lodged in it is open, then the ranking is not final, a new objection is refused (409 round-not-in-notice), and the open one is still resolved', async () => {
    const round = stack.client.workflow.getHandle(admissionRoundWorkflowId(round1));
    const endsAt = Date.parse(ranked.noticeEndsAt!);
    await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now()) + 500));
    assert.equal((await round.query(roundViewQuery)).phase, 'public_notice', 'the open objection holds the ranking');
    const yantaSecond = ranked.districts.find((d) => d.district === 'yanta')!.entries[1]!;
    const late = await request(stack.app)
      .post(`/api/v1/rounds/${round1}/objections`)
      .set('authorization', `Bearer ${await stack.token({ sub: 'citizen-4', role: 'applicant' })}`)
      .set('idempotency-key', `late-${Date.now()}`)
      .send({ entryId: yantaSecond.entryId, reason: '公示期后提出的异议' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.match(late.body.type, /\/problems\/round-not-in-notice$/);
    const view = await round.query(roundViewQuery);
    assert.deepEqual(
      view.objections.map((o) => [o.objectionId, o.status]),
      [
        ['obj-1', 'upheld'],
        ['obj-late', 'open'],
      ],
    );
    // A supervisor still answers the one lodged in time; the ranking then becomes final (next test).
    const dismissed = await round.executeUpdate(resolveObjectionUpdate, {
      args: [
        { objectionId: 'obj-late', outcome: 'dismissed', by: { id: 'sup-1', role: 'supervisor' }, note: '经核查居住年限无误' },
      ],
    });
    assert.equal(dismissed.status, 'dismissed');
  });

  it('when the notice ends, then admitted cases settle and the others join the next round, where a freed slot admits one of them', async () => {
    for (const k of ['a', 'b', 'f'] as const)
      await untilState(handles[k]!, (s) => (s.status === 'settled' ? s : undefined), `${k} settled`, 60_000);
    for (const k of ['c', 'h', 'i'] as const) {
      const s = await untilState(handles[k]!, (x) => (x.round?.roundId === round2 ? x : undefined), `${k} in round 2`, 60_000);
      assert.equal(s.status, 'awaiting_round');
      assert.equal(s.pastRounds?.[0]?.roundId, round1);
    }
    const second = await closeRound(stack.client, round2);
    const lianhu = second.districts.find((d) => d.district === 'lianhu')!;
    assert.equal(lianhu.available, 1, 'the slot G gave back');
    assert.equal(lianhu.entries[0]?.status, 'admitted');
    const yanta = second.districts.find((d) => d.district === 'yanta')!;
    assert.equal(yanta.available, 0, 'yanta’s two places are held by the settled cases');
    assert.equal(yanta.entries[0]?.status, 'not_admitted');
    await untilState(handles.h!, (s) => (s.status === 'settled' ? s : undefined), 'h settled', 60_000);
    // Not admitted again, and no round after it: C waits for one to be announced, and is told so.
    const c = await untilState(
      handles.c!,
      (s) => (s.round?.status === 'awaiting_announcement' ? s : undefined),
      'c waiting for the next round to be announced',
      60_000,
    );
    assert.deepEqual(
      c.pastRounds?.map((r) => [r.roundId, r.status, r.rank]),
      [
        [round1, 'not_admitted', 3],
        [round2, 'not_admitted', 1],
      ],
    );
    const letters = await eventually(async () => {
      const n = await noticeModel(stack.mongo)
        .find({ caseId: handles.c!.workflowId.replace(/^SettlementCase:/, ''), event: 'round_result', channel: 'email' })
        .lean();
      return n.length === 2 ? n : undefined;
    }, 'two round results for c');
    assert.equal(letters.length, 2);
    // I was ranked under E's 101; the objection moved the line to F's 85 before the ranking was
    // final. I's result letter and its case say the final line, as the published ranking does.
    const i = await handles.i!.query(caseStatusQuery);
    assert.equal(i.pastRounds?.[0]?.roundId, round1);
    assert.equal(i.pastRounds?.[0]?.cutoff, 85, 'the final cut-off, not the one at the close');
    const iResult = await eventually(
      async () =>
        (await noticeModel(stack.mongo)
          .findOne({ caseId: handles.i!.workflowId.replace(/^SettlementCase:/, ''), event: 'round_result', channel: 'email' })
          .lean()) ?? undefined,
      'the round result for i',
    );
    assert.equal(iResult.locale, 'zh-CN');
    assert.match(iResult.body, /最低积分为85分/, 'i’s letter states the final cut-off');
    assert.doesNotMatch(iResult.body, /101分/, 'and not the one at the close');
  });
});
