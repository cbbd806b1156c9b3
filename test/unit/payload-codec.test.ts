import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUITE_IDS } from '../../security/cipher-suites';
import { EncryptionCodec, dataConverterFor, payloadKey } from '../../temporal/payload-codec';

const ID_NUMBER = '11010519491231002X';
const keyA = payloadKey(Buffer.alloc(32, 1).toString('base64'));
const keyB = payloadKey(Buffer.alloc(32, 2).toString('base64'));
const plain = (): Payload => defaultPayloadConverter.toPayload({ applicant: { idNumber: ID_NUMBER, name: '张三' } })!;
const text = (p: Payload) => Buffer.from(JSON.stringify({ m: p.metadata, d: Buffer.from(p.data!).toString('latin1') }));

describe('Temporal payload encryption', () => {
  it('when a payload is encoded, then neither its data nor its metadata show the ID number, and decoding restores it', async () => {
    const codec = new EncryptionCodec(keyA);
    const [sealed] = await codec.encode([plain()]);
    assert.ok(!text(sealed!).includes(ID_NUMBER));
    assert.ok(!text(sealed!).includes('json/plain'), 'the inner encoding is sealed too');
    const [opened] = await codec.decode([sealed!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), { applicant: { idNumber: ID_NUMBER, name: '张三' } });
  });

  it('when the same value is encoded twice, then the ciphertexts differ (a fresh IV each time)', async () => {
    const codec = new EncryptionCodec(keyA);
    const [a, b] = await codec.encode([plain(), plain()]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('when keys are rotated, then payloads sealed with the previous key still open, and new ones use the current key', async () => {
    const [old] = await new EncryptionCodec(keyA).encode([plain()]);
    const rotated = new EncryptionCodec(keyB, [keyA]);
    assert.deepEqual((await rotated.decode([old!]))[0], plain());
    const [fresh] = await rotated.encode([plain()]);
    await assert.rejects(new EncryptionCodec(keyA).decode([fresh!]), /not configured/);
  });

  it('when a sealed payload is tampered with, then decoding fails instead of returning altered data', async () => {
    const codec = new EncryptionCodec(keyA);
    const [sealed] = await codec.encode([plain()]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...sealed!, data: new Uint8Array(data) }]));
  });

  it('when a payload was stored before encryption was on, then it passes through decoding unchanged', async () => {
    const codec = new EncryptionCodec(keyA);
    assert.deepEqual(await codec.decode([plain()]), [plain()]);
  });

  it('when no key is configured, then there is no codec (development only; config refuses it in production)', () => {
    assert.equal(dataConverterFor([]).payloadCodecs.length, 0);
    assert.equal(dataConverterFor([Buffer.alloc(32, 3).toString('base64')]).payloadCodecs.length, 1);
    assert.throws(() => payloadKey(Buffer.alloc(31).toString('base64')), /32 bytes/);
  });

  for (const suite of SUITE_IDS) {
    it(`when the suite is ${suite}, then payloads name it and its key, open with any suite configured, and refuse tampering`, async () => {
      const codec = new EncryptionCodec(keyA, [], suite);
      const [sealed] = await codec.encode([plain()]);
      assert.equal(Buffer.from(sealed!.metadata!['encryption-suite']!).toString(), suite);
      assert.equal(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString(), keyA.id);
      assert.ok(!text(sealed!).includes(ID_NUMBER));
      const other = SUITE_IDS.find((s) => s !== suite)!;
      assert.deepEqual((await new EncryptionCodec(keyA, [], other).decode([sealed!]))[0], plain());
      const data = Buffer.from(sealed!.data!);
      data[data.length - 1] = data[data.length - 1]! ^ 1;
      await assert.rejects(codec.decode([{ ...sealed!, data: new Uint8Array(data) }]));
      const swapped = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-suite': new TextEncoder().encode(other) } };
      await assert.rejects(codec.decode([swapped]), 'the suite in the metadata is authenticated');
    });
  }

  it('when a recorded history holds payloads in the form before issue 15, then the SM suite still decodes them', async () => {
    // The replay fixtures were sealed with the tests' key (test/support/services.ts) in the old form.
    const history = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'histories', 'town-settled.json'), 'utf8')) as {
      events: Array<{
        workflowExecutionStartedEventAttributes?: {
          input: { payloads: Array<{ metadata: Record<string, string>; data: string }> };
        };
      }>;
    };
    const [recorded] = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads;
    const payload: Payload = {
      metadata: Object.fromEntries(
        Object.entries(recorded!.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
      ),
      data: new Uint8Array(Buffer.from(recorded!.data, 'base64')),
    };
    assert.equal(Buffer.from(payload.metadata!.encoding!).toString(), 'binary/encrypted');
    const codec = new EncryptionCodec(payloadKey(Buffer.alloc(32, 7).toString('base64')), [], 'sm4-ctr-hmac-sm3');
    const [opened] = await codec.decode([payload]);
    const input = defaultPayloadConverter.fromPayload(opened!) as { caseId?: string };
    assert.equal(typeof input.caseId, 'string');
  });
});
