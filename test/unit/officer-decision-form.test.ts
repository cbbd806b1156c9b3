/**
 * The officer's decision form (web/pages/officer/decision-form.ts) checks what the workflow's
 * validator checks, at the field, before the confirmation page: here the rule that a refusal for
 * no legal stable residence, where housing found the home in another area, says so in its text
 * (the decision letter quotes it; 无合法稳定住所 alone would tell the applicant they have none).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import type { Locale } from '../../domain/vocabulary';
import { blankDecisionForm, checkDecisionForm } from '../../web/pages/officer/decision-form';
import { loadViews } from '../../web/render';

const views = loadViews();
/** The decision form's explanation hint, as the officer's case page renders it. */
const reasonTextHint = (locale: Locale, reasonTextWhere: boolean): string => {
  const html = views.render('officer/case', {
    title: 't',
    nav: [],
    csrfToken: 'csrf-token-1',
    locale,
    c: { route: 'points', area: 'yanta', department: 'housing', status: 'under_review', persons: [], otherSteps: [] },
    step: { department: 'housing', status: 'awaiting_decision', internalNotes: [] },
    canDecide: true,
    canReject: true,
    decisionOptions: [],
    reasonOptions: [],
    limits: { text: 200 },
    reasonTextWhere,
    form: blankDecisionForm(),
    findings: [],
    checkResults: [],
    forms: {},
    fieldErrors: {},
  });
  return /<p class="hint" id="reasonText-hint">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
};

const req = (locale: Locale) => ({ locale }) as unknown as Request;
const refusal = { ...blankDecisionForm(), decision: 'reject', reasonCode: 'no_legal_residence' };

describe('the officer’s decision form', () => {
  it('§1 when housing refuses for no legal residence a case whose home is elsewhere without saying so, then the explanation field says why, in the page’s language', () => {
    for (const [locale, words] of [
      ['zh-CN', /住所在其他区县/],
      ['en', /home is in another area/],
    ] as const) {
      const checked = checkDecisionForm(req(locale), refusal, ['approve', 'reject'], ['no_legal_residence', 'other'], {
        residenceElsewhere: true,
      });
      assert.equal(checked.errors.length, 1, JSON.stringify(checked.errors));
      assert.equal(checked.errors[0]!.field, 'reasonText');
      assert.match(checked.errors[0]!.text, words);
    }
  });

  it('when the explanation is given, or the case has no home anywhere, then the refusal goes on to its confirmation', () => {
    const explained = checkDecisionForm(
      req('zh-CN'),
      { ...refusal, reasonText: '住所在蓝田县，不在申请落户的雁塔区' },
      ['approve', 'reject'],
      ['no_legal_residence'],
      { residenceElsewhere: true },
    );
    assert.deepEqual(explained.errors, []);
    assert.equal(explained.decision?.reasonText, '住所在蓝田县，不在申请落户的雁塔区');
    assert.deepEqual(checkDecisionForm(req('zh-CN'), refusal, ['approve', 'reject'], ['no_legal_residence']).errors, []);
  });

  it('§1 when the case’s home is in another area, then the explanation’s hint says beforehand that such a refusal must say where; otherwise it does not', () => {
    assert.match(reasonTextHint('zh-CN', true), /须写明其住所所在/);
    assert.match(reasonTextHint('en', true), /must say where it is/);
    assert.doesNotMatch(reasonTextHint('zh-CN', false), /住所/);
    assert.match(reasonTextHint('zh-CN', false), /其他原因/, 'the hint itself is there');
  });
});
