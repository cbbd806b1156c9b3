/** An audit line's "what" on the supervisor's case page (web/pages/supervisor/audit-what.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditWhat } from '../../web/pages/supervisor/audit-what';

describe('audit lines in the reader’s words', () => {
  const zh = (type: string, what: string) => auditWhat({ type, what }, 'zh-CN');

  it('when the line is a code or a phrase the workflow records, then a Chinese reader reads it in Chinese', () => {
    assert.deepEqual(zh('decision', 'approve'), { text: '通过', recorded: false });
    assert.deepEqual(zh('decision', 'all departments approved'), { text: '各部门均已审核通过', recorded: false });
    assert.deepEqual(zh('submitted', 'town application submitted'), { text: '提交建制镇落户申请', recorded: false });
    assert.deepEqual(zh('notice', 'case_received notice queued'), { text: '受理通知已排队发送', recorded: false });
    assert.deepEqual(zh('commit', 'quota_slot reserved'), { text: '预留积分落户指标', recorded: false });
    assert.deepEqual(zh('compensation', 'school_place released'), { text: '释放随迁子女学位', recorded: false });
    assert.deepEqual(zh('supervisor_action', 'reassign'), { text: '改派', recorded: false });
    assert.deepEqual(auditWhat({ type: 'notice', what: 'settled notice queued' }, 'en'), {
      text: 'queued: settled letter',
      recorded: false,
    });
  });

  it('when the type already says it all (a claim, a lookup, a reminder), then nothing is repeated', () => {
    for (const [type, what] of [
      ['step_claimed', 'claimed'],
      ['check_completed', 'police lookup completed'],
      ['reminder', 'police officer reminded'],
    ])
      assert.deepEqual(zh(type!, what!), { text: '', recorded: false });
  });

  it('when the line is anything else, then it is shown as recorded and marked as such, never dropped', () => {
    assert.deepEqual(zh('check_failed', 'police lookup keeps failing'), { text: 'police lookup keeps failing', recorded: true });
    assert.deepEqual(zh('notice', 'case_received notice could not be rendered'), {
      text: 'case_received notice could not be rendered',
      recorded: true,
    });
    assert.deepEqual(zh('commit', 'made_up reserved'), { text: 'made_up reserved', recorded: true });
  });
});
