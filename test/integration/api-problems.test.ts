/**
 * Every problem type the API answers is documented at its `type` URI (RFC 9457 §3.1.1): the
 * catalogue (app/problem-codes.ts) served as JSON and as a page, at the deployment's own address
 * (WEB_BASE_URL), so that a problem a client receives resolves to what it means.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { PROBLEM_CODES, PROBLEMS } from '../../app/problem-codes';
import { PROBLEM_DESCRIPTIONS_ZH } from '../../i18n/problem-descriptions';
import { assertProblem, bearer, problemType } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('API: problem types, documented at their type URI', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('api_problems');
  });
  after(async () => {
    await stack.close();
  });

  it('when every catalogue entry is asked for as JSON and as a page, then each answers 200 with its status and words', async () => {
    for (const code of PROBLEM_CODES) {
      // Act
      const json = await request(stack.app).get(`/problems/${code}`).set('accept', 'application/json');
      const page = await request(stack.app).get(`/problems/${code}`).set('accept', 'text/html,application/xhtml+xml,*/*;q=0.8');

      // Assert
      assert.equal(json.status, 200, code);
      assert.equal(json.headers['content-type'], JSON_TYPE, code);
      assert.deepEqual(
        json.body,
        {
          type: problemType(stack, code),
          code,
          status: PROBLEMS[code].status,
          title: PROBLEMS[code].title.en,
          titles: PROBLEMS[code].title,
          description: PROBLEMS[code].description,
          descriptions: { 'zh-CN': PROBLEM_DESCRIPTIONS_ZH[code], en: PROBLEMS[code].description },
        },
        code,
      );
      assert.equal(page.status, 200, code);
      assert.match(page.headers['content-type'] ?? '', /^text\/html/, code);
      assert.ok(page.text.includes(`<code>${code}</code>`), `${code}: the page names its code`);
      assert.ok(page.text.includes(PROBLEMS[code].title['zh-CN']), `${code}: the page's title, in zh-CN first`);
      // Its description too (Handlebars escapes quotes and backquotes; compare the first clause).
      const clause = PROBLEM_DESCRIPTIONS_ZH[code].split(/[；，。（`]/)[0]!;
      assert.ok(page.text.includes(clause), `${code}: the page describes it in zh-CN ("${clause}")`);
    }
  });

  it('when the list is asked for, then it holds every code, as JSON and as a page', async () => {
    const json = await request(stack.app).get('/problems').set('accept', 'application/json');
    const page = await request(stack.app).get('/problems').set('accept', 'text/html');
    const noPreference = await request(stack.app).get('/problems');

    assert.equal(json.status, 200);
    assert.deepEqual(
      (json.body as { items: Array<{ code: string }> }).items.map((p) => p.code),
      PROBLEM_CODES,
    );
    assert.deepEqual(noPreference.body, json.body, 'no Accept: JSON, as the API answers');
    assert.equal(page.status, 200);
    for (const code of PROBLEM_CODES)
      assert.ok(page.text.includes(`href="/problems/${code}"`) || page.text.includes(`href='/problems/${code}'`), code);
  });

  it('when a code is not in the catalogue, then 404: a problem for a client, the pages’ not-found page for a browser', async () => {
    const json = await request(stack.app).get('/problems/no-such-problem').set('accept', 'application/json');
    const page = await request(stack.app).get('/problems/no-such-problem').set('accept', 'text/html');

    assertProblem(json, 404);
    assert.equal(json.body.type, problemType(stack, 'not-found'));
    assert.equal(page.status, 404);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
  });

  it('when the API answers problems (an unknown case, an invalid body, no token), then each type resolves over HTTP on the running app to its own entry', async () => {
    // Arrange
    const applicant = await bearer(stack, { sub: 'applicant-problems', role: 'applicant' });

    // Act
    const missing = await request(stack.app)
      .get('/api/v1/applicant/cases/00000000-0000-4000-8000-000000000000')
      .set('authorization', applicant);
    const invalid = await request(stack.app)
      .post('/api/v1/applicant/cases')
      .set('authorization', applicant)
      .send({ route: 'nowhere' });
    const anonymous = await request(stack.app).get('/api/v1/applicant/cases');

    // Assert
    for (const [res, status, code] of [
      [missing, 404, 'not-found'],
      [invalid, 400, 'validation-error'],
      [anonymous, 401, 'unauthorized'],
    ] as const) {
      assertProblem(res, status);
      assert.equal(res.body.type, problemType(stack, code));
      assert.equal(res.body.title, PROBLEMS[code].title.en, 'the type’s own title');
      assert.ok(String(res.body.type).startsWith(`${stack.config.WEB_BASE_URL}/problems/`), 'on the deployment’s address');
      // The deployment's address is where this stack's API listens: GET the URI itself.
      const resolved = await fetch(res.body.type as string, { headers: { accept: 'application/json' } });
      assert.equal(resolved.status, 200, res.body.type as string);
      const entry = (await resolved.json()) as { code: string; status: number; type: string };
      assert.deepEqual([entry.code, entry.status, entry.type], [code, status, res.body.type]);
    }
  });
});
