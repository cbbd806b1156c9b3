/**
 * Issue 15: after a key (and suite) change, the re-sealing workflow rewrites every sealed value
 * with the current key and suite, seals what was still clear, and the app reads all of it back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataProtection, useDataProtection } from '../../models/data-protection';
import { registrationModel } from '../../models/registration.model';
import { SEALED_COLLECTIONS } from '../../models/sealed-fields.plugin';
import { socialInsuranceTransferModel } from '../../models/social-insurance-transfer.model';
import { dataProtectionFor } from '../../security/data-protection';
import { RESEAL_WORKFLOW_ID } from '../../workflows/key-rotation/messages';
import { resealPersonalData } from '../../workflows/key-rotation/reseal-personal-data.workflow';
import { freshIdNumber } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const keyA = `old:${Buffer.alloc(32, 11).toString('base64')}`;
const keyB = `new:${Buffer.alloc(32, 12).toString('base64')}`;
const blind = Buffer.alloc(32, 13).toString('base64');

describe('key rotation re-seals personal data in the background (issue 15)', () => {
  let stack: TestStack;
  const before_ = dataProtection();
  before(async () => {
    stack = await startStack('key_rotation');
  });
  after(async () => {
    useDataProtection(before_);
    await stack?.close();
  });

  it('when the key and suite change and the re-sealing workflow runs, then no value remains under the old key or in clear, and every value still reads', async () => {
    // Arrange: 7 registrations and a transfer sealed with the old key (AES), one registration written before sealing.
    useDataProtection(
      dataProtectionFor({ NODE_ENV: 'test', DATA_CIPHER: 'aes-256-gcm', DATA_ENCRYPTION_KEYS: [keyA], BLIND_INDEX_KEY: blind }),
    );
    const people = Array.from({ length: 7 }, () => ({ idNumber: freshIdNumber(), name: '轮换测试', relation: 'applicant' }));
    for (const [i, p] of people.entries()) {
      await registrationModel(stack.mongo).create({
        _id: `rotation-${i}`,
        householdType: '居民户口',
        route: 'town',
        area: 'huyi',
        collectiveHousehold: false,
        members: [p],
        registeredAt: new Date(),
      });
    }
    await socialInsuranceTransferModel(stack.mongo).create({
      _id: 'rotation-t',
      idNumber: people[0]!.idNumber,
      area: 'huyi',
      startedAt: new Date(),
    });
    const legacy = { idNumber: freshIdNumber(), name: '旧数据', relation: 'applicant' };
    await stack.mongo.db!.collection<{ _id: string } & Record<string, unknown>>('registrations').insertOne({
      _id: 'rotation-legacy',
      householdType: '居民户口',
      route: 'town',
      area: 'huyi',
      collectiveHousehold: false,
      members: [legacy],
      registeredAt: new Date(),
    });
    const raw = async () => JSON.stringify(await stack.mongo.db!.collection('registrations').find({}).toArray());
    assert.match(await raw(), /enc:v1:aes-256-gcm:old:/);

    // Act: the new key and the SM suite seal from now on; the old key still opens.
    useDataProtection(
      dataProtectionFor({
        NODE_ENV: 'test',
        DATA_CIPHER: 'sm4-ctr-hmac-sm3',
        DATA_ENCRYPTION_KEYS: [keyB, keyA],
        BLIND_INDEX_KEY: blind,
      }),
    );
    const result = await stack.client.workflow.execute(resealPersonalData, {
      workflowId: `${RESEAL_WORKFLOW_ID}-${Date.now()}`,
      taskQueue: stack.taskQueue,
      args: [{ collections: [...SEALED_COLLECTIONS.keys()].sort(), batchSize: 3 }],
    });

    // Assert
    assert.ok(result.resealed >= 9, JSON.stringify(result));
    const text = await raw();
    assert.doesNotMatch(text, /:old:/);
    assert.match(text, /enc:v1:sm4-ctr-hmac-sm3:new:/);
    assert.ok(!text.includes(legacy.idNumber) && !text.includes(legacy.name), 'the clear legacy record is sealed too');
    const transfer = JSON.stringify(
      await stack.mongo.db!.collection<{ _id: string }>('social_insurance_transfers').findOne({ _id: 'rotation-t' }),
    );
    assert.match(transfer, /enc:v1:sm4-ctr-hmac-sm3:new:/);
    const onlyNew = dataProtectionFor({
      NODE_ENV: 'test',
      DATA_CIPHER: 'sm4-ctr-hmac-sm3',
      DATA_ENCRYPTION_KEYS: [keyB],
      BLIND_INDEX_KEY: blind,
    });
    useDataProtection(onlyNew);
    const read = await registrationModel(stack.mongo).find({ area: 'huyi' }).lean();
    const members = read.flatMap((r) => r.members.map((m) => m.idNumber));
    for (const p of [...people, legacy]) assert.ok(members.includes(p.idNumber), `${p.idNumber} reads with the new key alone`);
    const again = await stack.client.workflow.execute(resealPersonalData, {
      workflowId: `${RESEAL_WORKFLOW_ID}-again-${Date.now()}`,
      taskQueue: stack.taskQueue,
      args: [{ collections: ['registrations'], batchSize: 3 }],
    });
    assert.equal(again.resealed, 0, 'a second run finds everything current');
  });
});
