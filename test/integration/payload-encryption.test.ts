/**
 * Personal data never rests in plain text in Temporal: every payload of a case's history
 * (workflow input, activity arguments and results, update arguments, the result) is sealed by
 * the payload codec (temporal/payload-codec.ts); only search attributes, which carry no personal
 * data, stay readable for the supervisors' queries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { caseStatusQuery } from '../../workflows/settlement-case/messages';
import { caseInput, decide, startCase } from '../support/cases';
import { historyToJson } from '../support/histories';
import { startStack, type TestStack } from '../support/stack';

/** Every payload-shaped object in the history JSON, with where it sits. */
function payloadsIn(node: unknown, path: string[] = [], out: Array<{ path: string; encoding: string; data: Buffer }> = []) {
  if (Array.isArray(node)) node.forEach((n, i) => payloadsIn(n, [...path, String(i)], out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const metadata = o.metadata as Record<string, string> | undefined;
    if (metadata?.encoding !== undefined && 'data' in o) {
      const encoding = Buffer.from(metadata.encoding, 'base64').toString('utf8');
      out.push({ path: path.join('.'), encoding, data: Buffer.from(String(o.data ?? ''), 'base64') });
    } else for (const [k, v] of Object.entries(o)) payloadsIn(v, [...path, k], out);
  }
  return out;
}

describe('personal data in Temporal', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack('payload-encryption');
  });
  after(async () => {
    await stack.close();
  });

  it('when a case with a family settles, then no payload of its history shows an ID number or a name; only search attributes are plain', async () => {
    const input = caseInput(DEMO_PEOPLE.parentWithChildren);
    const handle = await startCase(stack, input);
    await Promise.all((['police', 'hrss', 'housing', 'education'] as const).map((d) => decide(handle, d)));
    assert.equal((await handle.result()).status, 'settled');
    // The app's own client reads the case as usual.
    assert.equal((await handle.query(caseStatusQuery)).application.applicant.idNumber, input.application.applicant.idNumber);

    // What the Temporal server stores, read by a client without the key.
    const raw = new Client({ connection: stack.client.connection, namespace: stack.client.options.namespace });
    const json = JSON.parse(historyToJson(await raw.workflow.getHandle(handle.workflowId).fetchHistory())) as unknown;
    const payloads = payloadsIn(json);
    // Besides search attributes, the SDK's own bookkeeping in markers is plain: a patch's id
    // (`patched()`) and a local activity's sequence number, type and times (its result is sealed).
    const sdkBookkeeping = (p: { path: string; data: Buffer }): boolean => {
      if (!/markerRecordedEventAttributes\.details\.(patch-data|data)\.payloads/.test(p.path)) return false;
      const keys = Object.keys(JSON.parse(p.data.toString('utf8')) as object).sort();
      return (
        keys.join() === 'deprecated,id' ||
        (keys.includes('activity_type') && keys.includes('seq') && !keys.some((k) => /input|arg|result/i.test(k)))
      );
    };
    // binary/sealed: the codec's form since issue 15 (binary/encrypted, the older one, only decodes).
    const plain = payloads.filter((p) => p.encoding !== 'binary/sealed');
    assert.ok(payloads.length > 20, `only ${payloads.length} payloads found`);
    const exposed = plain.filter((p) => !/searchAttributes|indexedFields/.test(p.path) && !sdkBookkeeping(p));
    assert.deepEqual(
      exposed.map((p) => p.path),
      [],
      'unencrypted payloads outside search attributes and the SDK’s marker bookkeeping',
    );
    const secrets = [
      input.application.applicant.idNumber,
      input.application.applicant.name,
      ...input.application.family.flatMap((m) => [m.idNumber, m.name]),
    ];
    for (const p of payloads) {
      for (const s of secrets) assert.ok(!p.data.includes(Buffer.from(s)), `${p.path} shows personal data`);
    }
    // The raw client cannot read the case's state: it only sees sealed bytes.
    await assert.rejects(raw.workflow.getHandle(handle.workflowId).query(caseStatusQuery), /binary\/sealed/);
  });
});
