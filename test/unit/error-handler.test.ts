/**
 * What the API answers for failures that are no refusal (api/problem.ts createErrorHandler): a
 * value sealed with a key the server lacks names what to fix, instead of a bare internal error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { createErrorHandler, problemTypeUri } from '../../api/problem';

const BASE = { WEB_BASE_URL: 'https://hukou.test/', API_HOST: '127.0.0.1', API_PORT: 3000 };
import { createLogger } from '../../config/logger';
import { Keyring } from '../../security/keyring';

const appThrowing = (err: () => unknown) => {
  const app = express();
  app.get('/x', () => {
    throw err();
  });
  app.use(createErrorHandler(createLogger({ level: 'silent', name: 'error-handler-test' }), problemTypeUri(BASE)));
  return app;
};

describe('the API error handler', () => {
  it('when stored data is sealed with a key the server is not configured with, then the 500 says so (data-key-missing)', async () => {
    // Arrange: a value sealed under one key, opened by a keyring that holds only another.
    const sealedBy = Keyring.fromConfig([`old:${Buffer.alloc(32, 1).toString('base64')}`], 'aes-256-gcm');
    const lacking = Keyring.fromConfig([`new:${Buffer.alloc(32, 2).toString('base64')}`], 'aes-256-gcm');
    const parts = sealedBy.seal(Buffer.from('610113198604120877'));

    // Act
    const res = await request(appThrowing(() => lacking.open(parts))).get('/x');

    // Assert
    assert.equal(res.status, 500);
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(res.body.type, 'https://hukou.test/problems/data-key-missing');
    assert.equal(res.body.title, 'Data key missing', 'the problem type’s own title');
    assert.match(res.body.detail, /DATA_ENCRYPTION_KEYS/);
    assert.doesNotMatch(JSON.stringify(res.body), /old|610113/, 'neither the key id nor the data');
  });

  it('when an error is a bug, then it is a 500 internal-error that says nothing of it', async () => {
    const res = await request(appThrowing(() => new TypeError('x is undefined'))).get('/x');
    assert.equal(res.status, 500);
    assert.equal(res.body.type, 'https://hukou.test/problems/internal-error');
    assert.doesNotMatch(JSON.stringify(res.body), /undefined/);
  });
});
