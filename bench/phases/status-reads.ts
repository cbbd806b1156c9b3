/**
 * (3) Status reads: requests per second of the applicant's case view under load, beside a bare
 * Express route serving the same body in the same process, and beside the read-model lookup
 * the route makes, from this process.
 */
import { caseModel } from '../../models/case.model';
import type { BenchContext } from '../context';
import { applicantToken } from '../drive';
import { call } from '../lib/api-driver';
import { callLoop, loadLoop, timed } from '../lib/measure';
import type { SyntheticPerson } from '../lib/people';
import { say } from '../lib/progress';
import type { Results } from '../results';

/** Reads `caseId`, which belongs to `owner`. */
export async function measureStatusReads(
  ctx: BenchContext,
  caseId: string,
  owner: SyntheticPerson,
): Promise<Results['statusReads']> {
  const { sizes, stack, barePort } = ctx;
  say(`(3) status reads: ${sizes.connections} connections × ${sizes.loadMs / 1000} s, bare route then the case view`);
  const readToken = await applicantToken(ctx, `bench-${owner.idNumber}`);
  const view = await call(`${stack.apiUrl}/api/v1/applicant/cases/${caseId}`, { token: readToken });
  if (view.status !== 200) throw new Error(`case view: ${view.status} ${JSON.stringify(view.body)}`);
  const put = await fetch(`http://127.0.0.1:${barePort}/bare`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(view.body),
  });
  if (put.status !== 204) throw new Error(`bare payload: ${put.status}`);
  const bare = await loadLoop({
    url: `http://127.0.0.1:${barePort}/bare`,
    connections: sizes.connections,
    durationMs: sizes.loadMs,
  });
  say(`    bare: ${bare.rps.toFixed(0)} req/s, p99 ${bare.p99.toFixed(1)} ms, errors ${bare.errors}`);
  const apiReads = await loadLoop({
    url: `${stack.apiUrl}/api/v1/applicant/cases/${caseId}`,
    headers: { authorization: `Bearer ${readToken}` },
    connections: sizes.connections,
    durationMs: sizes.loadMs,
  });
  say(`    case view: ${apiReads.rps.toFixed(0)} req/s, p99 ${apiReads.p99.toFixed(1)} ms, errors ${apiReads.errors}`);
  // The database alone: the same read-model lookup the route makes, from as many loops, over a
  // pool the size of the API's. What the route cannot beat, whatever our layers cost.
  const dbReads = await callLoop(
    () => timed(() => caseModel(ctx.mongo).findById(caseId).lean()),
    sizes.connections,
    sizes.loadMs,
  );
  say(`    read-model lookup alone: ${dbReads.rps.toFixed(0)} reads/s, p99 ${dbReads.p99.toFixed(1)} ms`);
  return {
    api: apiReads,
    bare,
    connections: sizes.connections,
    ratioRps: apiReads.rps / bare.rps,
    readModel: dbReads,
    ratioToReadModel: apiReads.rps / dbReads.rps,
    bodyBytes: JSON.stringify(view.body).length,
  };
}
