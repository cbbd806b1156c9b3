/**
 * §16 on the housing officer's confirmation page: approving a case whose applicant has no
 * registrable residence reserves a community collective-household place in the case's area, and
 * with none left the workflow refuses the case for want of one. The confirmation says which,
 * before the officer confirms (the places left, or that the approval will end in a refusal).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { applicationBody, bearer, submitCase, waitForStep } from '../support/api';
import { testCapacities } from '../support/capacities';
import { signInOverHttp, type WebSession } from '../support/web-http';
import { DEMO_PASSWORDS, startWebStack, type WebStack } from '../support/web-stack';

describe('§16 the housing officer confirms an approval that reserves a collective-household place', () => {
  const capacities = testCapacities((t) => (t.collectiveHouseholds.changan = 3));
  let web: WebStack;
  let housing: WebSession;
  let caseId: string;

  before(async () => {
    web = await startWebStack('web_officer_collective', { capacityDir: capacities.dir });
    const persona = DEMO_PEOPLE.noHousing; // points route in Chang'an; housing finds no residence
    const auth = await bearer(web.stack, { sub: 'demo-noHousing', role: 'applicant', idNumber: persona.idNumber });
    caseId = await submitCase(web.stack, auth, applicationBody(persona));
    await waitForStep(web.stack, caseId, 'housing', 'awaiting_decision');
    housing = await signInOverHttp(web, 'housing', DEMO_PASSWORDS.officer);
  });
  after(async () => {
    await web.close();
  });

  /** Posts an approval and returns the confirmation page it leads to, in `locale`. */
  async function confirmationOfApproval(locale: 'zh-CN' | 'en'): Promise<string> {
    // The page language is the `lang` cookie's (web/locale.ts), as the language link sets it.
    const cookie = `${housing.cookie}; lang=${locale}`;
    const posted = await fetch(`${web.baseUrl}/officer/cases/${caseId}/decision`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: housing.csrf, decision: 'approve' }).toString(),
      redirect: 'manual',
    });
    const location = posted.headers.get('location');
    if (posted.status !== 303 || !location) return posted.text();
    const page = await fetch(new URL(location, web.baseUrl), { headers: { cookie } });
    assert.equal(page.status, 200);
    return page.text();
  }

  it('when places are left in the area, then the confirmation says one is reserved on approval, and how many are left', async () => {
    const zh = await confirmationOfApproval('zh-CN');
    assert.match(zh, /将为其预留长安区社区集体户落户名额（第十六条）/);
    assert.match(zh, /目前尚余3个名额/);
    const en = await confirmationOfApproval('en');
    assert.match(en, /a place in a community collective household in Chang.an District is reserved for them \(§16\)/);
    assert.match(en, /3 places are left/);
  });

  it('when the area’s collective households are full, then the confirmation says the approval ends in a refusal', async () => {
    capacities.set((t) => (t.collectiveHouseholds.changan = 0));
    const zh = await confirmationOfApproval('zh-CN');
    assert.match(zh, /长安区社区集体户落户名额已满：通过后，本申请将因无集体户名额而不予落户/);
    assert.doesNotMatch(zh, /尚余/);
    const en = await confirmationOfApproval('en');
    assert.match(
      en,
      /the community collective households in Chang.an District are full: on approval, the application is refused/,
    );
  });
});
