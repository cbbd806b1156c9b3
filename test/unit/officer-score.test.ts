/**
 * HR's officer sees the points breakdown its recommendation rests on (§2); the other departments do
 * not (data minimisation, domain/departments.ts `seesScore`). Found by an HR officer trying the
 * desk: the page showed "总分115分" and the raw facts, not which indicator gave what.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { officerView } from '../../app/views/case-views';
import type { CaseState } from '../../domain/case-state';
import type { Locale } from '../../domain/vocabulary';
import { scoreDisplay } from '../../web/pages/score-rows';
import { loadViews } from '../../web/render';

const views = loadViews();

const pointsCase: CaseState = {
  caseId: 'c-1',
  caseNumber: 'HK-2026-000778',
  applicantUserId: 'u-1',
  application: {
    route: 'points',
    district: 'beilin',
    applicant: { idNumber: '11010519491231002X', name: '张三', relation: 'applicant' },
    family: [],
    contact: { phone: '13800138000', locale: 'zh-CN' },
  },
  status: 'under_review',
  submittedAt: '2026-03-01T02:15:00Z',
  lastProgressAt: '2026-03-02T02:00:00Z',
  collectiveHousehold: false,
  policyVersion: 'xian-2016-v2',
  score: {
    total: 102,
    threshold: 70,
    passed: true,
    policyVersion: 'xian-2016-v2',
    breakdown: [
      {
        indicator: 'employment',
        label: { 'zh-CN': '合法稳定就业', en: 'Stable employment' },
        value: true,
        points: 10,
        capped: false,
      },
      {
        indicator: 'socialInsurance',
        label: { 'zh-CN': '社会保险缴纳年限', en: 'Years of social insurance' },
        value: 8,
        points: 16,
        capped: false,
      },
    ],
  },
  steps: {
    hrss: {
      department: 'hrss',
      status: 'awaiting_decision',
      overdue: false,
      checkFailures: 0,
      internalNotes: [],
      recommendation: { decision: 'approve', note: 'score 102 ≥ threshold 70' },
    },
    housing: { department: 'housing', status: 'awaiting_decision', overdue: false, checkFailures: 0, internalNotes: [] },
  },
  reservations: [],
  failingCompensations: [],
};

const page = (locale: Locale) => {
  const view = officerView(pointsCase, 'hrss');
  return views.render('officer/case', {
    title: 't',
    nav: [],
    csrfToken: 'csrf-token-1',
    locale,
    c: view,
    step: view.step,
    score: scoreDisplay({ locale } as Request, view.score),
    findings: [],
    checkResults: [],
    forms: {},
    fieldErrors: {},
  });
};

describe('the officer’s points breakdown', () => {
  it('when HR opens a points case, then its view carries the score; housing’s does not', () => {
    assert.equal(officerView(pointsCase, 'hrss').score?.total, 102);
    assert.equal(officerView(pointsCase, 'housing').score, undefined);
  });

  it('when HR’s page is rendered, then each indicator’s points are listed with the total, in the page’s language', () => {
    const zh = page('zh-CN');
    assert.match(zh, /<h2 class="heading-m" id="score-title">积分明细<\/h2>/);
    assert.match(zh, /<th scope='row'>社会保险缴纳年限<\/th><td>8年<\/td><td class='numeric'>16<\/td>/);
    assert.match(zh, /总分102分，落户分值线70分/);
    assert.match(zh, /<th scope='col'>申请人情况<\/th>/);
    assert.doesNotMatch(zh, /您的情况/, 'the officer is not addressed as the applicant');
    const en = page('en');
    assert.match(en, /Points breakdown/);
    assert.match(en, /Years of social insurance/);
  });
});
