/**
 * The applicant page's appeal rights (web/pages/applicant/appeal-rights.ts): the reconsideration
 * body and the court the decision letter names, in the page's language, from the authorities
 * data in force on the decision's day.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import type { ApplicantCaseView } from '../../app/views/case-views';
import { appealRightsText } from '../../web/pages/applicant/appeal-rights';
import { message } from '../../i18n/messages';

const reqIn = (locale: 'zh-CN' | 'en') => ({ locale }) as unknown as Request;

const ended = (status: 'rejected' | 'settled', at: string): ApplicantCaseView =>
  ({
    route: 'town',
    outcome: {
      status,
      at,
      reasons: status === 'rejected' ? [{ code: 'no_legal_residence', department: 'housing' }] : [],
      ...(status === 'rejected' ? { appealRights: 'x' } : {}),
    },
  }) as unknown as ApplicantCaseView;

describe('appealRightsText', () => {
  it('when a refusal is shown, then the page names where to apply for reconsideration and which court, with their periods, in its language', () => {
    // Act
    const zh = appealRightsText(reqIn('zh-CN'), ended('rejected', '2026-11-20T03:00:00.000Z'));
    const en = appealRightsText(reqIn('en'), ended('rejected', '2026-11-20T03:00:00.000Z'));

    // Assert: as policy/authorities/xian-2024-v1.json names them.
    assert.equal(
      zh,
      '如不服本决定，可自收到决定书之日起60日内向西安市人民政府申请行政复议，或在6个月内向西安铁路运输法院提起行政诉讼。',
    );
    assert.equal(
      en,
      "If you disagree, you may apply to the Xi'an Municipal People's Government for administrative reconsideration within 60 days of receiving the decision letter, or bring an administrative lawsuit before the Xi'an Railway Transport Court within 6 months.",
    );
  });

  it('when the decision is older than every authorities file, then the rights are still said, without the names; a settled case has none', () => {
    // Act + Assert
    assert.equal(
      appealRightsText(reqIn('zh-CN'), ended('rejected', '2019-06-01T03:00:00.000Z')),
      message('zh-CN', 'apAppealRights'),
    );
    assert.equal(appealRightsText(reqIn('zh-CN'), ended('settled', '2026-11-20T03:00:00.000Z')), undefined);
  });
});
