/**
 * The cluster really keeps cases in PostgreSQL: a case driven to settled through the API on
 * Temporal's own server (`npm run test:cluster` starts it on throw-away databases and names them
 * in TEMPORAL_CLUSTER_*) is a row of the `executions` table of the history database, and the
 * visibility database has it closed with its CaseStatus search attribute. Read with psql, not
 * through Temporal, so nothing but the database answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEMO_PEOPLE } from '../../tools/simulator/demo-people';
import { settlementCaseWorkflowId } from '../../workflows/settlement-case/messages';
import { applicationBody, decideViaApi, submitCase, tokens, waitForStatus, type Tokens } from '../support/api';
import { startStack, type TestStack } from '../support/stack';

const run = promisify(execFile);

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this file through \`npm run test:cluster\``);
  return v;
}

/** One value from PostgreSQL, by psql (the machine's client; the test has no driver of its own). */
async function sql(database: string, query: string): Promise<string> {
  const url = new URL(required('TEMPORAL_CLUSTER_POSTGRES_URL'));
  url.pathname = `/${database}`;
  const { stdout } = await run('psql', [url.toString(), '--no-psqlrc', '-tAc', query]);
  return stdout.trim();
}

describe('Temporal cluster: cases are kept in PostgreSQL', () => {
  let stack: TestStack;
  let t: Tokens;
  before(async () => {
    stack = await startStack('cluster-persistence');
    t = await tokens(stack);
  });
  after(async () => {
    await stack?.close();
  });

  it('when a case settles on the cluster, then its workflow is in the executions table and closed in visibility with CaseStatus settled', async () => {
    // Arrange, Act
    const caseId = await submitCase(stack, t.applicant, applicationBody(DEMO_PEOPLE.townOwner));
    await decideViaApi(stack, t.police, caseId, 'police');
    await decideViaApi(stack, t.housing, caseId, 'housing');
    await waitForStatus(stack, caseId, 'settled');

    // Assert
    const workflowId = settlementCaseWorkflowId(caseId);
    assert.match(workflowId, /^SettlementCase:[0-9a-f-]{36}$/, 'safe to quote in SQL');
    const rows = await sql(
      required('TEMPORAL_CLUSTER_DB'),
      `SELECT count(*) FROM executions WHERE workflow_id = '${workflowId}'`,
    );
    assert.equal(rows, '1', `${workflowId} in executions`);
    // Visibility is written asynchronously, shortly after the close.
    let closed = '';
    for (let i = 0; i < 40 && closed !== '2'; i++) {
      closed = await sql(
        required('TEMPORAL_CLUSTER_VISIBILITY_DB'),
        `SELECT status FROM executions_visibility WHERE workflow_id = '${workflowId}' AND search_attributes::text LIKE '%"settled"%'`,
      );
      if (closed !== '2') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(closed, '2', 'WORKFLOW_EXECUTION_STATUS_COMPLETED with CaseStatus "settled" in executions_visibility');
  });
});
