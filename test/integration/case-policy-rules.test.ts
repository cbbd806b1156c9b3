/**
 * Rules of the 2016 opinions that hold on every path: no agricultural / non-agricultural
 * distinction (§3), rural land rights are never a condition (§20), collective income rights
 * are not touched (§19).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { registrationModel } from '../../models/registration.model';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { auditTrail, noticesOf } from '../support/case-records';
import { caseInput, decide, startCase } from '../support/cases';
import { startStack, type TestStack } from '../support/stack';

/** Anything that reads as rural land or collective income rights, in English or Chinese. */
const LAND_RIGHTS = /land|homestead|contract.?land|collective.?income|土地|承包|宅基地|集体收益|三权/i;

describe('policy rules on every case', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('policy-rules');
  });
  after(async () => {
    await stack.close();
  });

  it('§20 §19 when a town applicant settles, then nothing in the application, its audit trail or its notices asks about land or collective income rights', async () => {
    const input = caseInput(DEMO_PEOPLE.townOwner, { autoApproveClean: [...DEPARTMENTS] });
    // The application carries exactly these fields: there is no place for land rights.
    assert.deepEqual(Object.keys(input.application).sort(), ['applicant', 'contact', 'family', 'route', 'town']);
    assert.doesNotMatch(JSON.stringify(input), LAND_RIGHTS);

    const handle = await startCase(stack, input);
    assert.equal((await handle.result()).status, 'settled');

    const trail = await auditTrail(stack, input.caseId);
    assert.doesNotMatch(JSON.stringify(trail.map(({ type, what, why, data }) => ({ type, what, why, data }))), LAND_RIGHTS);
    const notices = await noticesOf(stack, input.caseId);
    assert.ok(notices.length > 0);
    for (const n of notices) assert.doesNotMatch(`${n.subject}\n${n.body}`, LAND_RIGHTS, `${n.event}:${n.channel}`);
  });

  it('§20 when an officer asks for proof that the applicant gave up land rights, or refuses for not doing so, then the case refuses the decision and nothing reaches the applicant', async () => {
    // Arrange: housing's decision is asked for (the applicant owns no home: a finding to decide).
    const input = caseInput(DEMO_PEOPLE.noHousing, { autoApproveClean: ['police', 'hrss', 'education'] });
    const handle = await startCase(stack, input);

    // Act
    const ask = () => decide(handle, 'housing', 'request_supplement', { missing: ['宅基地使用权及土地承包经营权自愿退出证明'] });
    const refuse = () => decide(handle, 'housing', 'reject', { reasonCode: 'other', reasonText: '申请人未退出承包地' });

    // Assert
    for (const attempt of [ask, refuse])
      await assert.rejects(attempt(), (err: Error) =>
        /§20/.test(`${err.message} ${String((err.cause as Error | undefined)?.message)}`),
      );
    await decide(handle, 'housing');
    assert.equal((await handle.result()).status, 'settled');
    const notices = await noticesOf(stack, input.caseId);
    for (const n of notices) assert.doesNotMatch(`${n.subject}\n${n.body}`, /宅基地|承包/, `${n.event}:${n.channel}`);
  });

  it('§3 when cases settle on the town route, the points route and as a collective household, then every registration is 居民户口', async () => {
    const personas = [DEMO_PEOPLE.townPublicRental, DEMO_PEOPLE.pointsHigh, DEMO_PEOPLE.noHousing];
    const inputs = personas.map((p) => caseInput(p, { autoApproveClean: [...DEPARTMENTS] }));
    const handles = await Promise.all(inputs.map((i) => startCase(stack, i)));
    // No own residence is a finding for the housing officer (§16), not a clean result.
    await decide(handles[2]!, 'housing');
    assert.deepEqual(
      (await Promise.all(handles.map((h) => h.result()))).map((r) => r.status),
      ['settled', 'settled', 'settled'],
    );
    const registrations = await Promise.all(inputs.map((i) => registrationModel(stack.mongo).findById(i.caseId).lean()));
    assert.deepEqual(
      registrations.map((r) => `${r?.route}:${r?.collectiveHousehold}:${r?.householdType}`),
      ['town:false:居民户口', 'points:false:居民户口', 'points:true:居民户口'],
    );
    // The registration record cannot hold another household type.
    await assert.rejects(
      registrationModel(stack.mongo).create({
        _id: `${inputs[0]!.caseId}-agricultural`,
        householdType: '农业户口' as never,
        route: 'town',
        area: 'lantian',
        collectiveHousehold: false,
        members: [],
        registeredAt: new Date(),
      }),
      /householdType/,
    );
  });
});
