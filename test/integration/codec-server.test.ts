/**
 * The Temporal UI's codec server (issue 15 part 2): a case's sealed history payloads, as the UI
 * would post them, decode for an operator (and leave an access record naming the case), are
 * refused to an applicant (403) and to nobody (401), and only the configured UI origin gets CORS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Payload } from '@temporalio/common';
import request from 'supertest';
import { accessRecordModel } from '../../models/access-record.model';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { assertProblem, bearer, submitCase, tokens, townBody, waitForWorkflow, type Tokens } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const UI_ORIGIN = 'http://localhost:8233';

const wire = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('Codec server: the Temporal UI decodes sealed payloads for operators, audited', () => {
  let stack: TestStack;
  let t: Tokens;
  let operator: string;
  let caseId: string;
  let sealed: ReturnType<typeof wire>[];

  before(async () => {
    stack = await startStack('codec_server', { env: { CODEC_CORS_ORIGIN: UI_ORIGIN } });
    t = await tokens(stack);
    operator = await bearer(stack, { sub: 'operator-1', role: 'operator' });
    caseId = await submitCase(stack, t.applicant, townBody());
    await waitForWorkflow(stack, caseId, (c) => c.steps.police?.status === 'awaiting_decision', 'police awaiting');
    // What the UI holds: the workflow's input as the server stores it.
    const history = await stack.client.workflow.getHandle(settlementCaseWorkflowId(caseId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    sealed = (started?.input?.payloads ?? []).map((p) => wire(p as Payload));
    assert.ok(sealed.length > 0);
  });
  after(async () => {
    await stack.close();
  });

  const decode = () => request(stack.app).post('/codec/decode').send({ payloads: sealed });
  const recordsOfCase = () => accessRecordModel(stack.mongo).find({ caseIds: caseId, view: 'temporal_payloads' }).lean();

  it('when the history is read raw, then its payloads are sealed and name no case in clear', () => {
    for (const p of sealed) {
      assert.equal(text(p.metadata.encoding!), 'binary/sealed');
      assert.ok(!text(p.data).includes(caseId));
    }
  });

  it('when an applicant or nobody asks for a decode, then 403 and 401 and no access record', async () => {
    // Act
    const applicant = await decode().set('authorization', t.applicant);
    const officer = await decode().set('authorization', t.police);
    const nobody = await decode();

    // Assert
    assertProblem(applicant, 403);
    assertProblem(officer, 403);
    assertProblem(nobody, 401);
    assert.equal((await recordsOfCase()).length, 0);
  });

  it('when a sealed payload was tampered with, then the decode is a 400 naming /payloads, never a 500, and nothing is recorded', async () => {
    // Arrange
    const data = Buffer.from(sealed[0]!.data, 'base64');
    data[data.length - 1]! ^= 1;
    const tampered = [{ ...sealed[0]!, data: data.toString('base64') }];

    // Act
    const res = await request(stack.app).post('/codec/decode').set('authorization', operator).send({ payloads: tampered });

    // Assert
    assertProblem(res, 400);
    assert.deepEqual(
      res.body.invalidParams.map((p: { path: string }) => p.path),
      ['/payloads'],
    );
    assert.equal((await recordsOfCase()).length, 0);
  });

  it('when an operator decodes from the UI’s origin, then the plain payloads come back with CORS and an access record names the case', async () => {
    // Act
    const res = await decode().set('authorization', operator).set('origin', UI_ORIGIN).set('x-namespace', 'default').expect(200);

    // Assert
    assert.equal(res.headers['access-control-allow-origin'], UI_ORIGIN);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.equal(res.body.payloads.length, sealed.length);
    const first = res.body.payloads[0] as { metadata: Record<string, string>; data: string };
    assert.equal(text(first.metadata.encoding!), 'json/plain');
    assert.equal((JSON.parse(text(first.data)) as { caseId: string }).caseId, caseId);
    const records = await recordsOfCase();
    assert.equal(records.length, 1);
    assert.deepEqual(records[0]!.actor, { sub: 'operator-1', role: 'operator' });
    assert.equal(records[0]!.via, 'codec');
  });

  it('when the UI encodes what it sends, then the operator gets sealed payloads that decode back', async () => {
    // Arrange
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"note":"试"}').toString('base64'),
    };

    // Act
    const encoded = await request(stack.app)
      .post('/codec/encode')
      .set('authorization', operator)
      .send({ payloads: [plain] })
      .expect(200);
    const back = await request(stack.app).post('/codec/decode').set('authorization', operator).send(encoded.body).expect(200);

    // Assert
    assert.equal(text(encoded.body.payloads[0].metadata.encoding), 'binary/sealed');
    assert.equal(text(back.body.payloads[0].data), '{"note":"试"}');
  });

  it('when a preflight comes from the UI’s origin, then it is answered with credentials allowed; from another origin, refused', async () => {
    // Act
    const ok = await request(stack.app)
      .options('/codec/decode')
      .set('origin', UI_ORIGIN)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type,x-namespace');
    const other = await request(stack.app)
      .options('/codec/decode')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    const otherPost = await decode().set('authorization', operator).set('origin', 'https://evil.example');

    // Assert
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], UI_ORIGIN);
    assert.equal(ok.headers['access-control-allow-credentials'], 'true');
    assert.match(String(ok.headers['access-control-allow-headers']), /X-Namespace/i);
    assert.equal(other.status, 403);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    assertProblem(otherPost, 403);
    assert.equal(otherPost.headers['access-control-allow-origin'], undefined);
  });
});
