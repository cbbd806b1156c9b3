import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { computeCheckDigit } from '../../domain/id-number';
import { idempotencyKeyModel } from '../../models/idempotency-key.model';
import { openCaseLockModel } from '../../models/open-case-lock.model';
import { caseModel } from '../../models/case.model';
import { DEMO_FAMILY, DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import {
  applicationBody,
  asApplicantOf,
  assertProblem,
  bearer,
  freshIdNumber,
  invalidPaths,
  tokens,
  townBody,
  waitForWorkflow,
  type Tokens,
  problemType,
} from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const withCheckDigit = (first17: string) => first17 + computeCheckDigit(first17);

describe('API: bad input is refused with a 400 naming the field, and nothing is stored', () => {
  let stack: TestStack;
  let t: Tokens;
  /** An applicant account of its own, so "nothing stored" can be checked by its cases. */
  let probe: string;
  before(async () => {
    stack = await startStack('api_bad_input');
    t = await tokens(stack);
    probe = await bearer(stack, { sub: 'applicant-bad-input', role: 'applicant' });
  });
  after(async () => {
    await stack.close();
  });

  /** Cases this file meant to be accepted: everything else stored would be a refused request's leftovers. */
  const accepted = new Set<string>();
  const submit = async (body: unknown, auth = probe) => {
    const res = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', await asApplicantOf(stack, auth, body))
      .send(body as object);
    if (res.status === 202) accepted.add(res.body.caseId as string);
    return res;
  };

  /** Nothing of a refused submission may remain: no case, no open-case lock, no idempotency key, no workflow. */
  async function assertNothingStored(): Promise<void> {
    assert.equal(await caseModel(stack.mongo).countDocuments({ applicantUserId: 'applicant-bad-input' }), 0);
    const locks = await openCaseLockModel(stack.mongo).find({}).lean();
    assert.deepEqual(
      locks.filter((l) => !accepted.has(l.caseId)),
      [],
      'no open-case lock without an accepted case',
    );
    assert.equal(await idempotencyKeyModel(stack.mongo).countDocuments({}), 0);
    const started: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) started.push(wf.workflowId);
    assert.deepEqual(
      started.filter((id) => !accepted.has(id.replace(/^SettlementCase:/, ''))),
      [],
      'no workflow but those of accepted cases',
    );
  }

  describe('citizen ID numbers (GB 11643-1999, §8)', () => {
    const cases: Array<[string, string]> = [
      ['a wrong check digit', '110105194912310021'],
      ['an impossible date (30 February)', withCheckDigit('11010519490230002')],
      ['an impossible date (month 13)', withCheckDigit('11010519491301002')],
      ['a birth date in the future', withCheckDigit('11010520991231002')],
      ['17 characters', '11010519491231002'],
      ['19 characters', '11010519491231002X1'],
      ['letters inside', '1101051949123100AX'],
      ['an unknown province', withCheckDigit('99010519491231002')],
      ['an empty string', ''],
    ];
    for (const [what, idNumber] of cases) {
      it(`when the applicant's ID number has ${what}, then it is a 400 naming /applicant/idNumber`, async () => {
        // Act
        const res = await submit(townBody(idNumber));

        // Assert
        assertProblem(res, 400);
        assert.deepEqual(invalidPaths(res), ['/applicant/idNumber']);
        assert.ok(!JSON.stringify(res.body).includes(idNumber) || idNumber === '', 'the number is not echoed back');
      });
    }

    it('when a family member’s ID number is bad, then the path names that member', async () => {
      // Arrange
      const body = applicationBody(DEMO_PEOPLE.parentWithChildren, {
        family: [
          { idNumber: DEMO_FAMILY.spouse.idNumber, name: DEMO_FAMILY.spouse.name, relation: 'spouse' },
          { idNumber: '110105194912310021', name: '陈小', relation: 'child', schoolLevel: 'primary' },
        ],
      });

      // Act
      const res = await submit(body);

      // Assert
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/family/1/idNumber']);
      await assertNothingStored();
    });

    it('when a person appears twice, then it is a 400 on the repeat', async () => {
      const body = applicationBody(DEMO_PEOPLE.townOwner, {
        family: [{ idNumber: DEMO_PEOPLE.townOwner.idNumber, name: DEMO_PEOPLE.townOwner.name, relation: 'spouse' }],
      });
      const res = await submit(body);
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/family/0/idNumber']);
    });

    it('when the check digit is a lower-case x or a leap day, then the number is accepted', async () => {
      // Act
      const lower = await submit(townBody('11010519491231002x'), t.applicant);
      const leap = await submit(townBody('110105200002290021'), t.applicant);

      // Assert
      assert.equal(lower.status, 202, JSON.stringify(lower.body));
      assert.equal(leap.status, 202, JSON.stringify(leap.body));
      const live = await waitForWorkflow(stack, lower.body.caseId, () => true, 'the case started');
      assert.equal(live.application.applicant.idNumber, '11010519491231002X', 'normalised to upper case');
    });
  });

  describe('fields', () => {
    it('when required fields are missing, then each missing one is named', async () => {
      // Act
      const res = await submit({ route: 'town', town: 'huyi' });

      // Assert
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res).sort(), ['/applicant', '/contact']);
    });

    it('when the body carries status, score, applicantId or steps, then they are refused by name and nothing is stored', async () => {
      // Act
      const res = await submit(
        townBody(freshIdNumber(), {
          status: 'settled',
          score: { total: 999 },
          applicantId: 'someone-else',
          applicantUserId: 'someone-else',
          steps: { police: { status: 'approved' } },
        }),
      );

      // Assert
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res).sort(), ['/applicantId', '/applicantUserId', '/score', '/status', '/steps']);
      await assertNothingStored();
    });

    it('when a nested object has an unknown field, then its full path is named', async () => {
      const body = townBody(freshIdNumber());
      (body.applicant as Record<string, unknown>).verified = true;
      (body.contact as Record<string, unknown>).role = 'supervisor';
      const res = await submit(body);
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res).sort(), ['/applicant/verified', '/contact/role']);
    });

    it('when there are more than 10 family members, then it is a 400 on /family', async () => {
      // Arrange
      const family = Array.from({ length: 11 }, (_, i) => ({
        idNumber: freshIdNumber(),
        name: `成员${'一二三四五六七八九十壹'[i]}`,
        relation: 'other',
      }));

      // Act
      const res = await submit(townBody(freshIdNumber(), { family }));

      // Assert
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/family']);
      await assertNothingStored();
    });

    it('when a route and its area do not match, then the area field is named', async () => {
      const res = await submit(townBody(freshIdNumber(), { district: 'yanta' }));
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/town']);
    });

    it('when a value has the wrong type, then it is named', async () => {
      const res = await submit(townBody(freshIdNumber(), { contact: { phone: 13800138000, locale: 'fr' } }));
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res).sort(), ['/contact/locale', '/contact/phone']);
    });

    it('when the body is not an object, then it is a 400', async () => {
      for (const body of ['[]', '"text"', '42', 'null']) {
        const res = await request(stack.app)
          .post('/api/v1/applicant/cases')
          .set('authorization', probe)
          .set('content-type', 'application/json')
          .send(body);
        assertProblem(res, 400);
      }
      await assertNothingStored();
    });

    it('when path parameters or the Idempotency-Key are malformed, then they are named', async () => {
      const notUuid = await request(stack.app).get('/api/v1/applicant/cases/not-a-uuid').set('authorization', probe);
      assertProblem(notUuid, 400);
      assert.deepEqual(invalidPaths(notUuid), ['/caseId']);
      const dept = await request(stack.app)
        .post('/api/v1/officer/cases/00000000-0000-4000-8000-000000000000/steps/tax/decision')
        .set('authorization', t.police)
        .send({ decision: 'approve' });
      assertProblem(dept, 400);
      assert.deepEqual(invalidPaths(dept), ['/department']);
      const key = await request(stack.app)
        .post('/api/v1/applicant/cases')
        .set('authorization', probe)
        .set('idempotency-key', 'short')
        .send(townBody(freshIdNumber()));
      assertProblem(key, 400);
      assert.deepEqual(invalidPaths(key), ['/headers/idempotency-key']);
      await assertNothingStored();
    });
  });

  describe('one message per field', () => {
    it('when a value fails the schema and a later rule alike (a negative extension), then its field is named once', async () => {
      const res = await request(stack.app)
        .post('/api/v1/supervisor/cases/00000000-0000-4000-8000-000000000000/steps/police/actions')
        .set('authorization', t.supervisor)
        .send({ action: 'extend_deadline', extendByWorkingDays: -1, note: 'why' });
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/extendByWorkingDays']);
    });
  });

  describe('operator injection', () => {
    it('when operators are sent as body values or keys, then they are 400s naming the field, never query operators', async () => {
      // Arrange
      const payloads: Array<[unknown, string[]]> = [
        [townBody({ $gt: '' } as never), ['/applicant/idNumber']],
        [{ ...townBody(freshIdNumber()), applicant: { idNumber: { $ne: null }, name: '王五' } }, ['/applicant/idNumber']],
        [{ ...townBody(freshIdNumber()), $where: '1' }, ['/$where']],
        [{ ...townBody(freshIdNumber()), $nor: [{ status: 'x' }] }, ['/$nor']],
        [{ ...townBody(freshIdNumber()), route: { $in: ['town', 'points'] } }, ['/route']],
      ];
      for (const [body, paths] of payloads) {
        // Act
        const res = await submit(body);

        // Assert
        assertProblem(res, 400);
        assert.deepEqual(
          invalidPaths(res).filter((p) => paths.includes(p)),
          paths,
          JSON.stringify(res.body.invalidParams),
        );
      }
      await assertNothingStored();
    });

    it('when a decision body carries operators, then it is a 400', async () => {
      const res = await request(stack.app)
        .post('/api/v1/officer/cases/00000000-0000-4000-8000-000000000000/steps/police/decision')
        .set('authorization', t.police)
        .send({ decision: { $ne: 'x' }, $where: 'sleep(1000)' });
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res).sort(), ['/$where', '/decision']);
    });

    it('when a decision carries the fields of another kind of decision, then it is a 400 naming each, not a decision stored with them', async () => {
      const decide = (body: object) =>
        request(stack.app)
          .post('/api/v1/officer/cases/00000000-0000-4000-8000-000000000000/steps/police/decision')
          .set('authorization', t.police)
          .send(body);
      const approve = await decide({ decision: 'approve', reasonCode: 'other', reasonText: 'x', missing: ['户口簿'] });
      assertProblem(approve, 400);
      assert.deepEqual(invalidPaths(approve).sort(), ['/missing', '/reasonCode', '/reasonText']);
      const ask = await decide({ decision: 'request_supplement', missing: ['户口簿'], reasonCode: 'other' });
      assertProblem(ask, 400);
      assert.deepEqual(invalidPaths(ask), ['/reasonCode']);
    });

    const queries: Array<[string, string, string]> = [
      ['/api/v1/officer/inbox?status[$ne]=x', 'police', '/status[$ne]'],
      ['/api/v1/officer/inbox?status=checking&status=awaiting_decision', 'police', '/status'],
      ['/api/v1/officer/inbox?route[$regex]=.*', 'police', '/route[$regex]'],
      ['/api/v1/officer/inbox?limit=1&limit=2', 'police', '/limit'],
      ['/api/v1/officer/inbox?limit=0', 'police', '/limit'],
      ['/api/v1/officer/inbox?overdue=yes', 'police', '/overdue'],
      ['/api/v1/officer/inbox?$where=1', 'police', '/$where'],
      ['/api/v1/applicant/cases?cursor[$gt]=', 'applicant', '/cursor[$gt]'],
      ['/api/v1/supervisor/stuck-cases?reason=overdue&department[$ne]=police', 'supervisor', '/department[$ne]'],
      ['/api/v1/supervisor/stuck-cases?reason=overdue&reason=stale', 'supervisor', '/reason'],
      ['/api/v1/supervisor/stuck-cases?reason=stale&since=yesterday', 'supervisor', '/since'],
      // U+0000 passes a string schema, but the store cannot look it up (a 500 the API fuzzing found).
      ['/api/v1/officer/inbox?cursor=a%00b', 'police', '/cursor'],
    ];
    for (const [url, who, path] of queries) {
      it(`when the query is ${url.split('?')[1]}, then it is a 400 naming ${path}`, async () => {
        const res = await request(stack.app)
          .get(url)
          .set('authorization', t[who as keyof Tokens]);
        assertProblem(res, 400);
        assert.ok(invalidPaths(res).includes(path), JSON.stringify(res.body.invalidParams));
      });
    }

    it('when a parameter that takes one value is given twice, then the 400 says so, not what a list is not', async () => {
      for (const [url, who, path] of [
        ['/api/v1/officer/inbox?limit=1&limit=2', 'police', '/limit'],
        ['/api/v1/supervisor/stuck-cases?reason=overdue&reason=stale', 'supervisor', '/reason'],
      ] as const) {
        const res = await request(stack.app).get(url).set('authorization', t[who]);
        assertProblem(res, 400);
        const param = (res.body.invalidParams as Array<{ path: string; message: string }>).find((p) => p.path === path);
        assert.equal(param?.message, 'given more than once: give it once', url);
      }
    });

    it('when a path segment is %00, then it is a 400 naming that segment, not a lookup the store refuses', async () => {
      const res = await request(stack.app)
        .get('/api/v1/supervisor/cases/00000000-0000-4000-8000-000000000000/notices/%00/letter')
        .set('authorization', t.supervisor);
      assertProblem(res, 400);
      assert.deepEqual(invalidPaths(res), ['/noticeId']);
    });

    const cursors: Array<[string, string]> = [
      ['/api/v1/officer/inbox', 'police'],
      ['/api/v1/applicant/cases', 'applicant'],
      ['/api/v1/supervisor/stuck-cases?reason=stale', 'supervisor'],
      ['/api/v1/supervisor/stuck-cases?reason=overdue', 'supervisor'],
    ];
    for (const [url, who] of cursors) {
      it(`when ${url} gets a cursor it never issued, then it is a 400 naming /cursor`, async () => {
        for (const cursor of [
          'garbage',
          Buffer.from('not-a-date|x').toString('base64url'),
          Buffer.from('{"$gt":""}').toString('base64url'),
        ]) {
          const res = await request(stack.app)
            .get(`${url}${url.includes('?') ? '&' : '?'}cursor=${cursor}`)
            .set('authorization', t[who as keyof Tokens]);
          assertProblem(res, 400);
          assert.deepEqual(invalidPaths(res), ['/cursor']);
        }
      });
    }
  });

  describe('prototype pollution', () => {
    it('when the body carries __proto__ or constructor.prototype, then it is a 400 and Object.prototype is untouched', async () => {
      // Arrange
      const bodies = [
        `{"__proto__":{"polluted":"yes"},"route":"town","town":"huyi"}`,
        `{"constructor":{"prototype":{"polluted":"yes"}},"route":"town","town":"huyi"}`,
        `{"route":"town","town":"huyi","applicant":{"idNumber":"11010519491231002X","name":"王五","__proto__":{"isAdmin":true}}}`,
      ];
      for (const raw of bodies) {
        // Act
        const res = await request(stack.app)
          .post('/api/v1/applicant/cases')
          .set('authorization', probe)
          .set('content-type', 'application/json')
          .send(raw);

        // Assert
        assertProblem(res, 400);
        assert.ok(
          invalidPaths(res).some((p) => p.endsWith('/__proto__') || p === '/constructor'),
          JSON.stringify(res.body.invalidParams),
        );
      }
      const plain: Record<string, unknown> = {};
      assert.equal(plain.polluted, undefined);
      assert.equal(plain.isAdmin, undefined);
      assert.ok(!Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'));
      await assertNothingStored();
    });
  });

  describe('transport', () => {
    it('when the body is over 100 kB, then it is a 413 problem', async () => {
      const body = { ...townBody(freshIdNumber()), padding: 'x'.repeat(110 * 1024) };
      const res = await submit(body);
      assertProblem(res, 413);
      await assertNothingStored();
    });

    it('when the body is not JSON by content type, then it is a 415 problem', async () => {
      for (const [type, raw] of [
        ['text/plain', JSON.stringify(townBody(freshIdNumber()))],
        ['application/x-www-form-urlencoded', 'route=town&town=huyi'],
        ['application/xml', '<application/>'],
      ]) {
        const res = await request(stack.app)
          .post('/api/v1/applicant/cases')
          .set('authorization', probe)
          .set('content-type', type!)
          .send(raw);
        assertProblem(res, 415);
      }
      await assertNothingStored();
    });

    it('when an unknown path carries markup, then the 404 problem names it only escaped', async () => {
      const res = await request(stack.app).get('/api/v1/<script>alert(1)</script>').set('authorization', probe);
      assertProblem(res, 404);
      assert.ok(!res.text.includes('<script'), res.text);
    });

    it('when a path parameter is not percent-encoded UTF-8, then it is a 400 problem (the fuzzer found a 500)', async () => {
      const res = await request(stack.app).get('/api/v1/applicant/cases/%ED%A0%80').set('authorization', probe);
      assertProblem(res, 400);
      assert.equal(res.body.type, problemType(stack, 'bad-path'));
    });

    it('when a body nests thousands deep, then it is a 400 problem before any sign-in, not a 500 (the security trial found one)', async () => {
      const res = await request(stack.app)
        .post('/api/v1/callbacks/sms-receipts')
        .set('content-type', 'application/json')
        .send(`${'['.repeat(5000)}${']'.repeat(5000)}`);
      assertProblem(res, 400);
      assert.match(res.body.detail, /nests deeper than 32 levels/);
    });

    it('when the API answers, with a person’s cases or a problem, then no cache may keep it', async () => {
      const own = await request(stack.app).get('/api/v1/applicant/cases').set('authorization', probe);
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.equal(own.headers['cache-control'], 'no-store');
      const missing = await request(stack.app)
        .get('/api/v1/applicant/cases/00000000-0000-4000-8000-000000000000')
        .set('authorization', probe);
      assertProblem(missing, 404);
      assert.equal(missing.headers['cache-control'], 'no-store');
    });

    it('when the JSON is malformed, then it is a 400 problem without the parser’s internals', async () => {
      const res = await request(stack.app)
        .post('/api/v1/applicant/cases')
        .set('authorization', probe)
        .set('content-type', 'application/json')
        .send('{"route": "town",');
      assertProblem(res, 400);
      assert.equal(res.body.type, problemType(stack, 'malformed-json'));
      assert.ok(!/SyntaxError|at JSON/.test(JSON.stringify(res.body)));
    });
  });

  describe('names (policy: letters of any script, including 生僻字; no emoji, digits or markup)', () => {
    for (const name of ['𠀾', '王䶮', '𠮷野家', '买买提·艾力', 'Zoë O’Brien', 'José-María']) {
      it(`when the name is ${name}, then it is accepted and stored exactly`, async () => {
        // Act
        const res = await submit(townBody(freshIdNumber(), { applicant: { idNumber: freshIdNumber(), name } }), t.applicant);

        // Assert
        assert.equal(res.status, 202, JSON.stringify(res.body));
        const view = await request(stack.app)
          .get(`/api/v1/applicant/cases/${res.body.caseId}`)
          .set('authorization', t.applicant)
          .expect(200);
        assert.equal(view.body.persons[0].name, name);
      });
    }

    for (const name of ['张三😀', '<script>alert(1)</script>', '王<b>五</b>', '李四1', '   ', '\u0000王五', '王\u202e五']) {
      it(`when the name is ${JSON.stringify(name)}, then it is a 400 naming /applicant/name and nothing is echoed`, async () => {
        // Act
        const res = await submit(townBody(freshIdNumber(), { applicant: { idNumber: freshIdNumber(), name } }));

        // Assert
        assertProblem(res, 400);
        assert.deepEqual([...new Set(invalidPaths(res))], ['/applicant/name']);
        assert.ok(!res.text.includes('<script') && !res.text.includes('<b>'), 'no markup reflected');
      });
    }

    it('when free text that an officer typed contains markup, then every response carrying it is JSON with < and > escaped, never HTML', async () => {
      // Arrange
      const res = await submit(townBody(), t.otherApplicant);
      const caseId = res.body.caseId as string;
      const markup = '<script>alert(1)</script>';
      await waitForWorkflow(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');

      // Act
      const decided = await request(stack.app)
        .post(`/api/v1/officer/cases/${caseId}/steps/police/decision`)
        .set('authorization', t.police)
        .send({ decision: 'reject', reasonCode: 'other', reasonText: markup, internalNote: markup });
      const audit = await request(stack.app).get(`/api/v1/supervisor/cases/${caseId}/audit`).set('authorization', t.supervisor);
      const csv = await request(stack.app)
        .get(`/api/v1/supervisor/cases/${caseId}/audit.csv`)
        .set('authorization', t.supervisor)
        .set('x-access-purpose', 'test');

      // Assert
      for (const r of [decided, audit]) {
        assert.equal(r.status, 200);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.ok(!r.text.includes('<script'), 'markup is escaped in JSON');
      }
      assert.equal(decided.body.step.decision.reasonText, markup, 'and still reads back exactly');
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.headers['x-content-type-options'], 'nosniff');
    });
  });
});
