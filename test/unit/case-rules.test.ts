/**
 * The case rules written once (domain/case-rules.ts) and the department table: what both the
 * workflow's validators and the API's schemas rely on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepState } from '../../domain/case-state';
import {
  actionProblemForStep,
  actionProblems,
  decisionProblems,
  heldByOther,
  isOpenStep,
  NOTICE_TEXT_MAX,
  stepDecisionProblem,
  supplementAnswerProblem,
} from '../../domain/case-rules';
import { OFFICER_REASONS, officerReasons } from '../../domain/codes';
import { DEPARTMENT_TABLE, ownerOf } from '../../domain/departments';
import { DEPARTMENTS, departmentsFor, ROUTES, STEP_STATUSES } from '../../domain/vocabulary';
import { RESERVATION_KINDS } from '../../domain/codes';

const step = (over: Partial<StepState> = {}): StepState => ({
  department: 'housing',
  status: 'awaiting_decision',
  overdue: false,
  checkFailures: 0,
  internalNotes: [],
  ...over,
});

describe('decision rules', () => {
  it('when a decision lacks what it needs, then each problem names its field', () => {
    assert.deepEqual(
      decisionProblems({ decision: 'reject' }).map((p) => p.field),
      ['reasonCode'],
    );
    assert.deepEqual(
      decisionProblems({ decision: 'reject', reasonCode: 'other' }).map((p) => p.field),
      ['reasonText'],
    );
    assert.deepEqual(
      decisionProblems({ decision: 'request_supplement', missing: [] }).map((p) => p.field),
      ['missing'],
    );
    assert.deepEqual(decisionProblems({ decision: 'approve' }), []);
  });

  it('when a text does not fit its notice, then it is a problem, unless the caller checks lengths itself', () => {
    const long = { decision: 'reject' as const, reasonCode: 'other' as const, reasonText: '长'.repeat(NOTICE_TEXT_MAX + 1) };
    assert.deepEqual(
      decisionProblems(long).map((p) => p.field),
      ['reasonText'],
    );
    assert.deepEqual(decisionProblems(long, { lengths: false }), []);
    assert.equal(decisionProblems({ decision: 'request_supplement', missing: ['  '] }).length, 1);
  });

  it('§1 when a police officer refuses a town case for a criminal record, then the step refuses it; on the points route it applies', () => {
    const d = { decision: 'reject' as const, reasonCode: 'criminal_record' as const };
    assert.equal(stepDecisionProblem(d, 'town', 'police', step({ department: 'police' }))?.kind, 'invalid');
    assert.equal(stepDecisionProblem(d, 'points', 'police', step({ department: 'police' })), undefined);
  });

  it('§2 when HR would approve a score below the threshold, then the step refuses it', () => {
    const hr = step({
      department: 'hrss',
      recommendation: { decision: 'reject', reasonCode: 'insufficient_points', note: 'score 50 is below the threshold 60' },
    });
    assert.match(stepDecisionProblem({ decision: 'approve' }, 'points', 'hrss', hr)?.message ?? '', /below the threshold/);
  });

  it('§2 when a bad credit record disqualifies the score, then HR refuses for it and for nothing else; elsewhere it is no ground', () => {
    const note = 'score 98 reaches the threshold 60, but a bad credit record disqualifies it under xian-2016-v1';
    const barred = step({ department: 'hrss', recommendation: { decision: 'reject', reasonCode: 'credit_disqualified', note } });
    const reject = (reasonCode: 'credit_disqualified' | 'insufficient_points') => ({ decision: 'reject' as const, reasonCode });
    assert.match(stepDecisionProblem({ decision: 'approve' }, 'points', 'hrss', barred)?.message ?? '', /bad credit record/);
    assert.equal(stepDecisionProblem(reject('credit_disqualified'), 'points', 'hrss', barred), undefined);
    assert.match(
      stepDecisionProblem(reject('insufficient_points'), 'points', 'hrss', barred)?.message ?? '',
      /reaches the threshold: refuse for the credit record/,
    );
    // Where the policy only deducts points for it (or the score falls short anyway), it refuses nothing.
    const low = step({
      department: 'hrss',
      recommendation: { decision: 'reject', reasonCode: 'insufficient_points', note: 'score 50 is below the threshold 60' },
    });
    for (const s of [step({ department: 'hrss' }), low])
      assert.match(stepDecisionProblem(reject('credit_disqualified'), 'points', 'hrss', s)?.message ?? '', /disqualifies for it/);
    assert.notEqual(
      stepDecisionProblem(reject('credit_disqualified'), 'town', 'police', step()),
      undefined,
      'never on the town route',
    );
  });

  it('§2 when the officer’s page lists the refusal reasons, then it lists exactly those the step takes: none the workflow would then refuse', () => {
    // Found by an HR officer trying the desk: 积分未达到 was offered on a score of 102 ≥ 70, and a
    // credit refusal on a policy that only deducts points for it; both were refused after 确认.
    const recommendations = [
      undefined,
      { decision: 'approve' as const, note: 'score 102 ≥ threshold 70' },
      { decision: 'reject' as const, reasonCode: 'insufficient_points' as const, note: 'score 54 is below the threshold 70' },
      {
        decision: 'reject' as const,
        reasonCode: 'credit_disqualified' as const,
        note: 'score 98 reaches the threshold 60, but a bad credit record disqualifies it under xian-2016-v1',
      },
    ];
    for (const route of ROUTES)
      for (const department of DEPARTMENTS)
        for (const recommendation of recommendations)
          for (const supplementRounds of [0, 1])
            for (const collectiveHousehold of [false, true]) {
              const s = step({ department, supplementRounds, ...(recommendation ? { recommendation } : {}) });
              const offered = officerReasons(route, department, {
                collectiveHousehold,
                supplementAsked: supplementRounds > 0,
                recommendation: recommendation ?? null,
              });
              const taken = OFFICER_REASONS[route][department].filter(
                (reasonCode) =>
                  stepDecisionProblem({ decision: 'reject', reasonCode, reasonText: '经核查' }, route, department, s, {
                    collectiveHousehold,
                  }) === undefined,
              );
              assert.deepEqual(
                offered,
                taken,
                `${route} ${department} ${recommendation?.note ?? 'no score'} ${supplementRounds}`,
              );
            }
    const hr = (recommendation: (typeof recommendations)[number]) =>
      officerReasons('points', 'hrss', { supplementAsked: false, recommendation: recommendation ?? null });
    assert.deepEqual(hr(recommendations[1]), ['fraudulent_material', 'other'], 'a passing score: no score reason');
    assert.deepEqual(hr(recommendations[2]), ['insufficient_points', 'fraudulent_material', 'other']);
    assert.deepEqual(hr(recommendations[3]), ['credit_disqualified', 'fraudulent_material', 'other']);
    // The loop above holds because both read reasonRuledOut; these say what that rule is.
    assert.deepEqual(
      hr(undefined),
      ['insufficient_points', 'fraudulent_material', 'other'],
      'no recommendation to hold it to: the score reason stands, the credit one needs its recommendation',
    );
    assert.deepEqual(officerReasons('points', 'housing', { collectiveHousehold: true, supplementAsked: false }), [
      'fraudulent_material',
      'other',
    ]);
    assert.deepEqual(
      officerReasons('points', 'housing', { collectiveHousehold: true, residenceElsewhere: true, supplementAsked: true }),
      ['no_legal_residence', 'fraudulent_material', 'incomplete_material', 'other'],
    );
    assert.deepEqual(officerReasons('town', 'police', { supplementAsked: false }), [
      'identity_mismatch',
      'fraudulent_material',
      'other',
    ]);
    assert.deepEqual(officerReasons('town', 'hrss'), [], 'HR takes no part in a town case');
  });

  it('§2 when the score reaches the threshold, then HR cannot refuse it for too few points, nor for no employment (a scored indicator, not a condition)', () => {
    // Arrange
    const passed = step({ department: 'hrss', recommendation: { decision: 'approve', note: 'score 70 ≥ threshold 70' } });

    // Act
    const fewPoints = stepDecisionProblem({ decision: 'reject', reasonCode: 'insufficient_points' }, 'points', 'hrss', passed);
    const unemployed = stepDecisionProblem({ decision: 'reject', reasonCode: 'no_stable_employment' }, 'points', 'hrss', passed);

    // Assert
    assert.match(fewPoints?.message ?? '', /score 70 ≥ threshold 70\): it is no reason to refuse/);
    assert.match(unemployed?.message ?? '', /cannot refuse a points case for no_stable_employment/);
    assert.ok(!OFFICER_REASONS.points.hrss.includes('no_stable_employment'));
  });

  it('§20 when an officer asks for, or refuses for, giving up land rights, then it is a problem of that field, in any wording; land named otherwise is not', () => {
    // Arrange
    const asks = [
      '宅基地使用权及土地承包经营权自愿退出证明',
      '放弃集体收益分配权的承诺书',
      'proof that the homestead was surrendered',
    ];
    const refusals = ['申请人未退出承包地', 'did not give up contracted land'];
    const fine = ['房屋产权证明', '宅基地上自建房的居住证明', '土地证复印件'];

    // Act + Assert
    for (const m of asks) {
      const p = decisionProblems({ decision: 'request_supplement', missing: ['户口簿', m] });
      assert.deepEqual(
        p.map((x) => [x.field, x.rule]),
        [['missing', 'land_rights_condition']],
        m,
      );
      assert.match(
        stepDecisionProblem({ decision: 'request_supplement', missing: [m] }, 'town', 'housing', step())?.message ?? '',
        /§20/,
      );
    }
    for (const reasonText of refusals) {
      const p = decisionProblems({ decision: 'reject', reasonCode: 'other', reasonText });
      assert.deepEqual(
        p.map((x) => [x.field, x.rule]),
        [['reasonText', 'land_rights_condition']],
        reasonText,
      );
    }
    for (const m of fine) assert.deepEqual(decisionProblems({ decision: 'request_supplement', missing: [m] }), [], m);
  });

  it('§1 when a town case is refused for a criminal or credit record under another code, then the step refuses it; the same text on the points route is the officer’s to judge', () => {
    const d = { decision: 'reject' as const, reasonCode: 'other' as const, reasonText: '申请人有犯罪记录且个人信用不良' };
    assert.match(stepDecisionProblem(d, 'town', 'police', step({ department: 'police' }))?.message ?? '', /全面放开/);
    assert.equal(stepDecisionProblem(d, 'points', 'police', step({ department: 'police' })), undefined);
    const identity = {
      decision: 'reject' as const,
      reasonCode: 'identity_mismatch' as const,
      reasonText: '身份信息与人口信息库登记不一致',
    };
    assert.equal(stepDecisionProblem(identity, 'town', 'police', step({ department: 'police' })), undefined);
  });

  it('一次性告知 when a department has used its supplement round, then another request is round_used until authorised', () => {
    const ask = { decision: 'request_supplement' as const, missing: ['房产证'] };
    assert.equal(stepDecisionProblem(ask, 'town', 'housing', step()), undefined);
    assert.equal(stepDecisionProblem(ask, 'town', 'housing', step({ supplementRounds: 1 }))?.kind, 'round_used');
    assert.equal(
      stepDecisionProblem(ask, 'town', 'housing', step({ supplementRounds: 1, supplementRoundsAllowed: 2 })),
      undefined,
    );
  });

  it('一次性告知 when an officer refuses for incomplete material before asking for it, then the step refuses it; after a supplement round it applies', () => {
    const refuse = { decision: 'reject' as const, reasonCode: 'incomplete_material' as const };
    const first = stepDecisionProblem(refuse, 'town', 'housing', step());
    assert.equal(first?.kind, 'invalid', JSON.stringify(first));
    assert.match(first?.message ?? '', /request a supplement/);
    assert.equal(stepDecisionProblem(refuse, 'town', 'housing', step({ supplementRounds: 1 })), undefined);
    // Other reasons need no supplement round first.
    assert.equal(stepDecisionProblem({ ...refuse, reasonCode: 'fraudulent_material' }, 'town', 'housing', step()), undefined);
  });

  it('§16 §1 when a collective-household case is refused for no legal residence, then only one whose home is elsewhere may be', () => {
    // Arrange
    const refuse = { decision: 'reject' as const, reasonCode: 'no_legal_residence' as const };
    const noHome = step({ check: { at: '', results: [], findings: ['no_own_residence'] } });
    const homeElsewhere = step({ check: { at: '', results: [], findings: ['residence_elsewhere'] } });

    // Act
    const refusedNoHome = stepDecisionProblem(refuse, 'town', 'housing', noHome, { collectiveHousehold: true });
    const refusedElsewhere = stepDecisionProblem(
      { ...refuse, reasonText: '住所在蓝田县，不在申请落户的雁塔区' },
      'town',
      'housing',
      homeElsewhere,
      { collectiveHousehold: true },
    );

    // Assert
    assert.equal(refusedNoHome?.kind, 'invalid', 'having no own residence is what the collective household is for');
    assert.equal(refusedElsewhere, undefined, 'a home elsewhere: the officer judges whether they live here');
    assert.ok(
      officerReasons('town', 'housing', { collectiveHousehold: true, residenceElsewhere: true }).includes('no_legal_residence'),
    );
    assert.ok(!officerReasons('town', 'housing', { collectiveHousehold: true }).includes('no_legal_residence'));
  });
});

describe('a refusal for no legal residence where the home is in another area', () => {
  it('§1 when housing refuses for no legal stable residence a case whose home is elsewhere, then the refusal must say so in its text (the letter quotes it)', () => {
    // Arrange
    const refuse = { decision: 'reject' as const, reasonCode: 'no_legal_residence' as const };
    const homeElsewhere = step({ check: { at: '', results: [], findings: ['residence_elsewhere'] } });
    const noHome = step({ check: { at: '', results: [], findings: [] } });

    // Act
    const bare = stepDecisionProblem(refuse, 'points', 'housing', homeElsewhere);
    const explained = stepDecisionProblem({ ...refuse, reasonText: '住所在蓝田县' }, 'points', 'housing', homeElsewhere);
    const noHomeBare = stepDecisionProblem(refuse, 'points', 'housing', noHome);

    // Assert
    assert.equal(bare?.kind, 'invalid');
    assert.match(bare?.message ?? '', /another area: say so in the reason text/);
    assert.equal(explained, undefined);
    assert.equal(noHomeBare, undefined, 'no home at all: the standard wording is true, no text needed');
    // The same rule for the page, as a problem of its field; a caller that has not read the case leaves the fact out.
    assert.deepEqual(
      decisionProblems(refuse, { residenceElsewhere: true }).map((p) => [p.field, p.rule]),
      [['reasonText', 'reason_text_where']],
    );
    assert.deepEqual(decisionProblems(refuse), []);
  });
});

describe('supplement answers (一次性告知 on both sides)', () => {
  it('when an answer covers each item asked for once, then it answers the request, whatever the order or surrounding blanks', () => {
    assert.equal(supplementAnswerProblem(['居住证明', '劳动合同'], [' 劳动合同', '居住证明 ']), undefined);
  });

  it('when an answer names an item not asked for, repeats one or leaves one out, then the problem names the item', () => {
    assert.match(supplementAnswerProblem(['居住证明'], ['居住证明', '租赁合同']) ?? '', /not asked for: "租赁合同"/);
    assert.match(supplementAnswerProblem(['居住证明', '劳动合同'], ['居住证明', '居住证明']) ?? '', /answered twice: "居住证明"/);
    assert.match(supplementAnswerProblem(['居住证明', '劳动合同'], ['居住证明']) ?? '', /no answer for: "劳动合同"/);
  });
});

describe('supervisor action rules', () => {
  it('when an action lacks its field, then the problem names it', () => {
    assert.deepEqual(
      actionProblems({ action: 'extend_deadline' }).map((p) => p.field),
      ['extendByMs'],
    );
    assert.deepEqual(
      actionProblems({ action: 'reassign' }).map((p) => p.field),
      ['officerId'],
    );
    assert.deepEqual(
      actionProblems({ action: 'authorise_supplement_round' }).map((p) => p.field),
      ['note'],
    );
  });

  it('when an action does not fit the step as it is, then it says why', () => {
    assert.match(actionProblemForStep({ action: 'retry_check' }, 'housing', step()) ?? '', /not failing/);
    assert.match(
      actionProblemForStep({ action: 'extend_deadline', extendByMs: 60_000 }, 'housing', step()) ?? '',
      /no running deadline/,
    );
    assert.equal(
      actionProblemForStep({ action: 'extend_deadline', extendByMs: 60_000 }, 'housing', step({ dueAt: '2026-12-01T00:00:00Z' })),
      undefined,
    );
    assert.match(
      actionProblemForStep({ action: 'authorise_supplement_round', note: '复印件不清晰' }, 'housing', step()) ?? '',
      /may still ask once/,
    );
  });
});

describe('who holds a step (issue 10)', () => {
  it('when a step is held, then it is held by another for everyone but its holder; a step nobody holds is nobody’s', () => {
    const held = step({ assignedOfficer: 'housing-officer-a', assignedAt: '2026-12-01T00:00:00.000Z' });
    assert.equal(heldByOther(held, 'housing-officer-b'), 'housing-officer-a');
    assert.equal(heldByOther(held, 'housing-officer-a'), undefined);
    assert.equal(heldByOther(step(), 'housing-officer-b'), undefined);
  });

  it('when a step still needs its department, then it is open (claimable); pending, decided or cancelled steps are not', () => {
    const open = STEP_STATUSES.filter((status) => isOpenStep(step({ status })));
    assert.deepEqual(open, ['checking', 'check_failed', 'awaiting_decision', 'supplement_requested']);
  });
});

describe('the department table', () => {
  it('§1 §2 §21–23 when the table decides who takes part, then towns have police and housing (education with children) and points all four', () => {
    assert.deepEqual(departmentsFor({ route: 'town', family: [] }), ['police', 'housing']);
    assert.deepEqual(
      departmentsFor({ route: 'town', family: [{ idNumber: 'x', name: '小明', relation: 'child', schoolLevel: 'primary' }] }),
      ['police', 'housing', 'education'],
    );
    assert.deepEqual(departmentsFor({ route: 'points', family: [] }), [...DEPARTMENTS]);
  });

  it('when every reservation kind is committed, then exactly one department owns it', () => {
    for (const kind of RESERVATION_KINDS) {
      const owners = DEPARTMENTS.filter((d) => DEPARTMENT_TABLE[d].commits.includes(kind));
      assert.equal(owners.length, 1, `${kind}: ${owners.join(', ')}`);
      assert.equal(ownerOf(kind), owners[0]);
    }
  });

  it('§21–23 when education decides a town case, then it has no refusal reasons: a child never blocks settlement', () => {
    assert.deepEqual(OFFICER_REASONS.town.education, []);
    for (const route of ROUTES) for (const d of DEPARTMENTS) assert.ok(Array.isArray(OFFICER_REASONS[route][d]));
  });
});
